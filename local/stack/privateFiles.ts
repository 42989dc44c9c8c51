/**
 * The state folder holds the API key, the IAM key pair and endpoints.json:
 * readable by the user only (0700 folder, 0600 files), also when they existed
 * before with wider permissions.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the folder (and its parents) if needed and makes it the user's only. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Writes `text` through a temporary file and a rename (readers never see half of it), mode 0600. */
export function writePrivateFile(file: string, text: string): void {
  ensurePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, { mode: PRIVATE_FILE_MODE });
  // writeFileSync's mode applies only to a new file; a leftover tmp keeps its own.
  fs.chmodSync(tmp, PRIVATE_FILE_MODE);
  fs.renameSync(tmp, file);
}
