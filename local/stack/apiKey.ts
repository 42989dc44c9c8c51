/**
 * The local API key: made once per state directory and kept there, so the web
 * app and scripts keep working across restarts. Shaped like AppSync's keys
 * (`da2-` and 26 lower-case letters and digits).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { API } from '../../infra/settings.js';
import { PRIVATE_FILE_MODE, writePrivateFile } from './privateFiles.js';

export interface LocalApiKey {
  id: string;
  /** Epoch seconds (AppSync's `expires`). */
  expiresAt: number;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh key id in AppSync's format. */
export function newApiKeyId(): string {
  const bytes = randomBytes(26);
  let id = 'da2-';
  for (const b of bytes) id += ALPHABET[b % ALPHABET.length];
  return id;
}

function isKey(v: unknown): v is LocalApiKey {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as LocalApiKey).id === 'string' &&
    /^da2-[a-z0-9]{26}$/.test((v as LocalApiKey).id) &&
    typeof (v as LocalApiKey).expiresAt === 'number'
  );
}

/** The key kept in `<stateDir>/api-key.json` (created, or renewed when expired); in memory only when `stateDir` is undefined. */
export function loadOrCreateApiKey(stateDir: string | undefined, now = Date.now()): LocalApiKey {
  const file = stateDir ? path.join(stateDir, 'api-key.json') : undefined;
  if (file && fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (isKey(parsed) && parsed.expiresAt * 1000 > now) {
      fs.chmodSync(file, PRIVATE_FILE_MODE);
      return parsed;
    }
  }
  const key = { id: newApiKeyId(), expiresAt: Math.floor(now / 1000) + API.apiKeyDays * 86_400 };
  if (file) writePrivateFile(file, `${JSON.stringify(key, null, 2)}\n`);
  return key;
}
