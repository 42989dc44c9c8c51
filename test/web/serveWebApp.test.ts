import { createServer, type Server } from 'node:http';
import https from 'node:https';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveWebApp } from '../../local/web/serveWebApp.js';
import { webConfigFrom } from '../../local/web/webConfigFrom.js';
import { loadOrCreateStackTls } from '../../local/stack/stackTls.js';

const ENDPOINTS = {
  region: 'us-east-1',
  graphqlUrl: 'http://127.0.0.1:4000/graphql',
  realtimeUrl: 'ws://127.0.0.1:4000/graphql/realtime',
  apiKey: 'da2-local',
  webUrl: 'http://127.0.0.1:4000/',
  credentials: { accessKeyId: 'local', secretAccessKey: 'secret-local' },
  kinesis: { endpoint: 'http://127.0.0.1:4567', streamName: 'telemetry' },
  dynamodb: { endpoint: 'http://127.0.0.1:8000', tableName: 'alleycat' },
  tls: {
    graphqlUrl: 'https://127.0.0.1:4443/graphql',
    realtimeUrl: 'wss://127.0.0.1:4443/graphql/realtime',
    caFile: '/state/tls/ca.pem',
  },
  cognito: {
    endpoint: 'http://127.0.0.1:9229',
    region: 'us-east-1',
    userPoolId: 'local_pool1',
    userPoolClientId: 'client1',
  },
  raceSeconds: 60,
  windowSeconds: 5,
};

let dist: string;
let server: Server;
let base: string;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'alleycat-dist-'));
  mkdirSync(path.join(dist, 'assets'));
  writeFileSync(path.join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), `console.log(${JSON.stringify('x'.repeat(5000))});`);
  writeFileSync(path.join(dist, 'assets', 'index-abc123.css'), 'body{color:red}');
  writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(path.join(tmpdir(), 'alleycat-secret.txt'), 'outside');
  const handler = serveWebApp(dist, { config: ({ secure }) => webConfigFrom(ENDPOINTS, { secure }) });
  server = createServer((req, res) => {
    if (!handler(req, res)) {
      res.statusCode = 404;
      res.end('not ours');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dist, { recursive: true, force: true });
});

describe('serveWebApp', () => {
  it('serves index.html at / with a content type and revalidation', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('answers app routes with index.html (SPA fallback)', async () => {
    for (const route of ['/results/3/29923374', '/alltime/2', '/racer/rider-1', '/ride']) {
      const res = await fetch(base + route);
      expect(res.status, route).toBe(200);
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('caches hashed assets for a year and labels them', async () => {
    const js = await fetch(`${base}/assets/index-abc123.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const css = await fetch(`${base}/assets/index-abc123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await fetch(`${base}/favicon.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('no-cache');
  });

  it('gzips text for browsers that accept it, and answers If-None-Match with 304', async () => {
    const { request } = await import('node:http');
    const raw = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
      (resolve, reject) => {
        request(`${base}/assets/index-abc123.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        })
          .on('error', reject)
          .end();
      },
    );
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toContain('console.log');
    const etag = String(raw.headers.etag);
    const again = await fetch(`${base}/assets/index-abc123.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('leaves missing files, the API and other methods to the caller', async () => {
    expect((await fetch(`${base}/assets/missing-123.js`)).status).toBe(404);
    expect((await fetch(`${base}/graphql`)).status).toBe(404);
    expect((await fetch(`${base}/graphql/realtime`)).status).toBe(404);
    expect((await fetch(`${base}/`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('never serves a file outside the dist folder', async () => {
    for (const evil of [
      '/../alleycat-secret.txt',
      '/%2e%2e/alleycat-secret.txt',
      '/assets/..%2f..%2falleycat-secret.txt',
    ]) {
      const res = await fetch(base + evil);
      const text = await res.text();
      expect(text, evil).not.toContain('outside');
    }
  });

  it('serves /config.json from the endpoints without credentials, never cached', async () => {
    const res = await fetch(`${base}/config.json`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body: unknown = await res.json();
    expect(body).toEqual({
      graphqlUrl: ENDPOINTS.graphqlUrl,
      realtimeUrl: ENDPOINTS.realtimeUrl,
      apiKey: 'da2-local',
      cognito: ENDPOINTS.cognito,
      raceSeconds: 60,
      windowSeconds: 5,
    });
    expect(JSON.stringify(body)).not.toContain('secret-local');
  });

  it('gives a page loaded over HTTPS the API over HTTPS and WSS (the stack CA trusted)', async () => {
    const { ca, server: cert } = await loadOrCreateStackTls(
      path.join(dist, '..', `${path.basename(dist)}-tls`),
      '127.0.0.1',
    );
    const handler = serveWebApp(dist, { config: ({ secure }) => webConfigFrom(ENDPOINTS, { secure }) });
    const secure = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      if (!handler(req, res)) res.end();
    });
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = secure.address() as AddressInfo;
      const text = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port, path: '/config.json', ca: ca.cert }, (res) => {
            let data = '';
            res.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
            res.on('end', () => resolve(data));
          })
          .on('error', reject);
      });
      expect(JSON.parse(text)).toMatchObject({
        graphqlUrl: ENDPOINTS.tls.graphqlUrl,
        realtimeUrl: ENDPOINTS.tls.realtimeUrl,
        cognito: ENDPOINTS.cognito,
      });
      // The same page over plain HTTP keeps the plain endpoints.
      expect(await (await fetch(`${base}/config.json`)).json()).toMatchObject({ graphqlUrl: ENDPOINTS.graphqlUrl });
    } finally {
      await new Promise<void>((resolve) => secure.close(() => resolve()));
      rmSync(path.join(dist, '..', `${path.basename(dist)}-tls`), { recursive: true, force: true });
    }
  });
});

describe('webConfigFrom', () => {
  it('names the missing field', () => {
    expect(() => webConfigFrom({ ...ENDPOINTS, apiKey: undefined })).toThrow(
      'endpoints.apiKey must be a non-empty string',
    );
    expect(() => webConfigFrom({ ...ENDPOINTS, raceSeconds: 0 })).toThrow(
      'endpoints.raceSeconds must be a positive integer',
    );
    expect(() => webConfigFrom({ ...ENDPOINTS, cognito: { ...ENDPOINTS.cognito, userPoolClientId: '' } })).toThrow(
      'endpoints.cognito.userPoolClientId must be a non-empty string',
    );
    expect(() => webConfigFrom(null)).toThrow('endpoints must be an object');
  });
});
