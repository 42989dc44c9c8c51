/**
 * The stack's IAM key pair: made when the state folder is first used and kept
 * in `<stateDir>/credentials.json` (0600), so that endpoints.json, the CLI and
 * scripts keep working across restarts; an in-memory stack gets a fresh pair.
 * The local AppSync accepts IAM signatures of this pair only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isLocalCredentials, newLocalCredentials, type LocalCredentials } from '../credentials.js';
import { PRIVATE_FILE_MODE, writePrivateFile } from './privateFiles.js';

export const CREDENTIALS_FILE = 'credentials.json';

/** The pair kept in `stateDir` (created if missing or not a key pair); fresh and unstored when `stateDir` is undefined. */
export function loadOrCreateStackCredentials(stateDir: string | undefined): LocalCredentials {
  if (stateDir === undefined) return newLocalCredentials();
  const file = path.join(stateDir, CREDENTIALS_FILE);
  if (fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (isLocalCredentials(parsed)) {
      fs.chmodSync(file, PRIVATE_FILE_MODE);
      return { accessKeyId: parsed.accessKeyId, secretAccessKey: parsed.secretAccessKey };
    }
  }
  const credentials = newLocalCredentials();
  writePrivateFile(file, `${JSON.stringify(credentials, null, 2)}\n`);
  return credentials;
}
