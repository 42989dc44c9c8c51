/** util.autoId / autoUlid / autoKsuid [DOC built-in-util-js]. */
import { randomBytes, randomUUID } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KSUID_EPOCH_SECONDS = 1_400_000_000;

/** A v4 UUID. */
export function autoId(): string {
  return randomUUID();
}

/** A ULID: 10 characters of millisecond time + 16 of randomness, Crockford base32 (26 chars). */
export function autoUlid(now: number): string {
  let time = '';
  let t = Math.floor(now);
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD.charAt(t % 32) + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i += 1) rand += CROCKFORD.charAt((bytes[i] ?? 0) % 32);
  return time + rand;
}

/** A KSUID: 4 bytes of seconds since 2014-05-13 + 16 random bytes, base62, 27 characters. */
export function autoKsuid(now: number): string {
  const bytes = Buffer.alloc(20);
  bytes.writeUInt32BE(Math.max(0, Math.floor(now / 1000) - KSUID_EPOCH_SECONDS), 0);
  randomBytes(16).copy(bytes, 4);
  let n = BigInt(`0x${bytes.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = BASE62.charAt(Number(n % 62n)) + out;
    n /= 62n;
  }
  return out.padStart(27, '0');
}
