/**
 * `alleycat start` as a user runs it: a process of its own that writes the
 * endpoints file, answers GraphQL on its one port, and on SIGTERM stops every
 * part it started, leaving no Java or kinesalite process behind.
 */
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/emulators/freePort.js';
import type { Endpoints } from '../../local/stack/endpointsFile.js';
import { alive, descendantsOf, readJson, REPO, run, waitFor } from './support/processes.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-start-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** `alleycat start` in memory and without the simulator, on the given ports, as a process of its own. */
function startCommand(port: number, tlsPort: number, cwd: string, options?: Parameters<typeof run>[3]) {
  const args = ['start', '--port', String(port), '--tls-port', String(tlsPort), '--no-sim', '--in-memory'];
  return run(process.execPath, [path.join(REPO, 'bin', 'alleycat.mjs'), ...args], cwd, options);
}

/** A GraphQL POST over HTTPS trusting `ca` only (Node's fetch takes no CA of its own). */
function postOverTls(url: string, ca: Buffer, apiKey: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: 'POST', ca, headers: { 'content-type': 'application/json', 'x-api-key': apiKey } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ raceClasses { classId } }' }));
  });
}

describe('alleycat start (child process)', () => {
  it('writes endpoints.json in the contract shape, serves GraphQL, and leaves no process behind after SIGTERM', async () => {
    const port = await freePort();
    const tlsPort = await freePort();
    const proc = startCommand(port, tlsPort, tmp);
    const file = path.join(tmp, '.alleycat', 'endpoints.json');
    try {
      const endpoints = await waitFor(
        () => readJson<Endpoints>(file),
        90_000,
        () => `endpoints.json (output: ${proc.output()})`,
      );
      expect(Object.keys(endpoints)).toEqual([
        'region',
        'graphqlUrl',
        'realtimeUrl',
        'apiKey',
        'webUrl',
        'credentials',
        'kinesis',
        'dynamodb',
        'cognito',
        'raceSeconds',
        'windowSeconds',
        'tls',
      ]);
      expect(endpoints).toMatchObject({
        region: 'us-east-1',
        graphqlUrl: `http://127.0.0.1:${port}/graphql`,
        realtimeUrl: `ws://127.0.0.1:${port}/graphql/realtime`,
        webUrl: `http://127.0.0.1:${port}/`,
        // The stack's own random key pair, never a public constant.
        credentials: { accessKeyId: expect.stringMatching(/^LOCAL[A-Z2-7]{15}$/), secretAccessKey: expect.any(String) },
        kinesis: { streamName: 'alleycat-telemetry' },
        dynamodb: { tableName: 'alleycat' },
        raceSeconds: 300,
        windowSeconds: 5,
        tls: {
          graphqlUrl: `https://127.0.0.1:${tlsPort}/graphql`,
          realtimeUrl: `wss://127.0.0.1:${tlsPort}/graphql/realtime`,
          caFile: path.join(tmp, '.alleycat', 'tls', 'ca.pem'),
        },
      });
      expect(endpoints.apiKey).toMatch(/^da2-[a-z0-9]{26}$/);
      expect(endpoints.kinesis.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.dynamodb.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.cognito).toEqual({
        endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        region: 'us-east-1',
        userPoolId: expect.stringMatching(/^\S+$/),
        userPoolClientId: expect.stringMatching(/^\S+$/),
      });

      const res = await fetch(endpoints.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': endpoints.apiKey },
        body: JSON.stringify({ query: '{ raceClasses { classId } }' }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data?: { raceClasses?: unknown[] } };
      expect(body.data?.raceClasses?.length).toBeGreaterThan(0);
      // The same API over HTTPS, for a client that trusts the CA named in the file.
      const overTls = await postOverTls(
        endpoints.tls.graphqlUrl,
        fs.readFileSync(endpoints.tls.caFile),
        endpoints.apiKey,
      );
      expect(overTls.status).toBe(200);
      expect(JSON.parse(overTls.body)).toEqual(body);
      expect(proc.output()).toContain('Alleycat is running');
      expect(proc.output()).toContain(endpoints.tls.graphqlUrl);

      const pid = proc.child.pid as number;
      const descendants = descendantsOf(pid);
      // DynamoDB Local (java), kinesalite and cognito-local (node) at least.
      expect(descendants.length).toBeGreaterThanOrEqual(3);
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      await waitFor(() => descendants.every((p) => !alive(p)), 10_000, 'the emulators to exit');
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  }, 120_000);

  it('stops cleanly on a terminal Ctrl-C (SIGINT to the whole process group): the emulators outlive the functions, then go', async () => {
    const port = await freePort();
    const tlsPort = await freePort();
    const cwd = fs.mkdtempSync(path.join(tmp, 'ctrlc-'));
    const proc = startCommand(port, tlsPort, cwd, { ownGroup: true });
    try {
      await waitFor(
        () => readJson<Endpoints>(path.join(cwd, '.alleycat', 'endpoints.json')),
        90_000,
        () => `endpoints.json (output: ${proc.output()})`,
      );
      const pid = proc.child.pid as number;
      const descendants = descendantsOf(pid);
      // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
      process.kill(-pid, 'SIGINT');
      expect(await proc.exited).toBe(0);
      expect(proc.output()).toContain('Stopped.');
      expect(proc.output()).not.toContain('ECONNREFUSED');
      await waitFor(() => descendants.every((p) => !alive(p)), 10_000, 'the emulators to exit');
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  }, 120_000);

  it('says what to install when Java is missing or too old', async () => {
    const bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
    const port = await freePort();
    const tlsPort = await freePort();
    const start = (env: Record<string, string>) => startCommand(port, tlsPort, tmp, { env });
    const started: Array<ReturnType<typeof run>> = [];
    try {
      const missing = start({ PATH: path.join(bin, 'nothing-here') });
      started.push(missing);
      expect(await missing.exited).toBe(1);
      expect(missing.output()).toContain('Java was not found');
      expect(missing.output()).toContain('Install Java 17 or newer');
      // A java that is too old (what `java -version` prints on Java 11).
      fs.writeFileSync(path.join(bin, 'java'), '#!/bin/sh\necho \'openjdk version "11.0.2" 2019-01-15\' >&2\n', {
        mode: 0o755,
      });
      const old = start({ PATH: bin });
      started.push(old);
      expect(await old.exited).toBe(1);
      expect(old.output()).toContain('Java 11 is too old');
      expect(old.output()).toContain('Install Java 17 or newer');
    } finally {
      for (const p of started) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }, 60_000);

  it.each([
    { taken: 'port', flag: '--port' },
    { taken: 'TLS port', flag: '--tls-port' },
  ])(
    'refuses a taken $taken with a clear message naming $flag, before starting anything',
    async ({ flag }) => {
      const port = await freePort();
      const tlsPort = await freePort();
      const blocked = flag === '--port' ? port : tlsPort;
      const http = await import('node:http');
      const blocker = http.createServer();
      await new Promise<void>((resolve) => blocker.listen(blocked, '127.0.0.1', resolve));
      try {
        const proc = startCommand(port, tlsPort, tmp);
        expect(await proc.exited).toBe(1);
        expect(proc.output()).toContain(`port ${blocked} on 127.0.0.1 is taken`);
        expect(proc.output()).toContain(flag);
      } finally {
        blocker.close();
      }
    },
    60_000,
  );
});
