/**
 * The local stack's region, account and credentials.
 *
 * The IAM principal that may call the IAM-only GraphQL fields is made at
 * random per stack (`newLocalCredentials`, kept in the state folder by
 * local/stack/stackCredentials.ts), so that no public constant opens those
 * fields. DynamoDB Local and kinesalite accept any credentials; their clients
 * sign with `EMULATOR_CREDENTIALS`, which the local AppSync never accepts.
 */
import { randomBytes } from 'node:crypto';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT_ID = '000000000000';
/** The API id in the local stack's ARNs (it serves one API). */
export const LOCAL_API_ID = 'local';

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** For the emulators only: they check no signature. */
export const EMULATOR_CREDENTIALS: LocalCredentials = { accessKeyId: 'emulator', secretAccessKey: 'emulator' };

/** Upper-case letters and digits, as in AWS access key ids. */
const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A fresh key pair: a 20-character id that starts with `LOCAL` (so it is never
 * taken for an AWS key) and a 40-character secret, 200 and 240 random bits.
 */
export function newLocalCredentials(): LocalCredentials {
  let accessKeyId = 'LOCAL';
  for (const b of randomBytes(15)) accessKeyId += KEY_ID_ALPHABET[b % KEY_ID_ALPHABET.length];
  const secretAccessKey = randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'B');
  return { accessKeyId, secretAccessKey };
}

/** True for a value shaped like LocalCredentials (reading a stored file). */
export function isLocalCredentials(value: unknown): value is LocalCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.accessKeyId === 'string' &&
    v.accessKeyId.length >= 16 &&
    typeof v.secretAccessKey === 'string' &&
    v.secretAccessKey.length >= 32
  );
}
