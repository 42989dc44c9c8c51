/**
 * What the state folder keeps (the API key, the IAM key pair, endpoints.json)
 * is readable by the user only, also where an older run left wider
 * permissions; the key pair is made once per folder and kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateApiKey } from '../../local/stack/apiKey.js';
import { stackEndpoints, writeEndpointsFile } from '../../local/stack/endpointsFile.js';
import { ensurePrivateDir } from '../../local/stack/privateFiles.js';
import { CREDENTIALS_FILE, loadOrCreateStackCredentials } from '../../local/stack/stackCredentials.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-state-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const modeOf = (p: string): number => fs.statSync(p).mode & 0o777;

describe('the state folder', () => {
  it('is created 0700, and an existing one is narrowed to 0700', () => {
    const fresh = path.join(tmp, 'fresh', '.alleycat');
    ensurePrivateDir(fresh);
    expect(modeOf(fresh)).toBe(0o700);
    const old = path.join(tmp, 'old');
    fs.mkdirSync(old, { mode: 0o755 });
    fs.chmodSync(old, 0o755);
    ensurePrivateDir(old);
    expect(modeOf(old)).toBe(0o700);
  });

  it('keeps one random IAM key pair per folder, in a 0600 file; in-memory stacks get a fresh pair each time', () => {
    const dir = path.join(tmp, 'creds');
    const first = loadOrCreateStackCredentials(dir);
    expect(first.accessKeyId).toMatch(/^LOCAL[A-Z2-7]{15}$/);
    expect(first.secretAccessKey).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(modeOf(path.join(dir, CREDENTIALS_FILE))).toBe(0o600);
    expect(loadOrCreateStackCredentials(dir)).toEqual(first);
    const other = loadOrCreateStackCredentials(path.join(tmp, 'creds-2'));
    expect(other.accessKeyId).not.toBe(first.accessKeyId);
    expect(other.secretAccessKey).not.toBe(first.secretAccessKey);
    const a = loadOrCreateStackCredentials(undefined);
    const b = loadOrCreateStackCredentials(undefined);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
  });

  it('narrows files an older run left world-readable, and replaces a file that holds no key pair', () => {
    const dir = path.join(tmp, 'older');
    fs.mkdirSync(dir);
    const credentialsFile = path.join(dir, CREDENTIALS_FILE);
    fs.writeFileSync(credentialsFile, JSON.stringify({ accessKeyId: 'local', secretAccessKey: 'local' }), {
      mode: 0o644,
    });
    const replaced = loadOrCreateStackCredentials(dir);
    expect(replaced.accessKeyId).not.toBe('local');
    expect(modeOf(credentialsFile)).toBe(0o600);
    const key = loadOrCreateApiKey(dir);
    fs.chmodSync(path.join(dir, 'api-key.json'), 0o644);
    expect(loadOrCreateApiKey(dir)).toEqual(key);
    expect(modeOf(path.join(dir, 'api-key.json'))).toBe(0o600);
  });

  it('writes endpoints.json 0600, also over a world-readable one', () => {
    const dir = path.join(tmp, 'endpoints');
    const file = path.join(dir, 'endpoints.json');
    fs.mkdirSync(dir);
    fs.writeFileSync(file, '{}', { mode: 0o644 });
    const credentials = loadOrCreateStackCredentials(undefined);
    const endpoints = stackEndpoints({
      host: '127.0.0.1',
      port: 4000,
      apiKey: 'da2-abcdefghijklmnopqrstuvwxyz',
      credentials,
      kinesis: { endpoint: 'http://127.0.0.1:1', streamName: 's' },
      dynamodb: { endpoint: 'http://127.0.0.1:2', tableName: 't' },
      cognito: { endpoint: 'http://127.0.0.1:3', region: 'us-east-1', userPoolId: 'p', userPoolClientId: 'c' },
      raceSeconds: 300,
      windowSeconds: 5,
      tls: { port: 4443, caFile: path.join(dir, 'tls', 'ca.pem') },
    });
    writeEndpointsFile(file, endpoints);
    expect(modeOf(file)).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      credentials,
      tls: {
        graphqlUrl: 'https://127.0.0.1:4443/graphql',
        realtimeUrl: 'wss://127.0.0.1:4443/graphql/realtime',
        caFile: path.join(dir, 'tls', 'ca.pem'),
      },
    });
  });
});
