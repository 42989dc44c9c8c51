/**
 * An expired API key is refused on HTTP and on the real-time WebSocket, by
 * the local AppSync runtime behind real servers on 127.0.0.1 (the same
 * runtime, HTTP handler, real-time endpoint and backend adapter the local
 * stack mounts), while an unexpired key of the same API works.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppSyncRuntime, createGraphqlHandler } from '../../local/appsync/index.js';
import { attachRealtime, type RealtimeAttachment } from '../../local/appsync/realtime/index.js';
import { realtimeBackendFor } from '../../local/appsync/realtimeBackend.js';
import { bundleResolvers } from '../../resolvers/build.js';
import { alleycatApiDefinition } from '../../local/stack/apiDefinition.js';
import { openRealtime, startFrame, withApiKey } from './support/clients.js';

const EXPIRED = 'da2-expiredexpiredexpired00';
const VALID = 'da2-validvalidvalidvalid0000';
let server: http.Server;
let realtime: RealtimeAttachment;
let origin = '';

beforeAll(async () => {
  const runtime = createAppSyncRuntime({
    api: alleycatApiDefinition({
      schema: readFileSync(path.resolve(import.meta.dirname, '../../schema.graphql'), 'utf8'),
      bundles: await bundleResolvers(),
      auth: {
        apiKeys: [
          // AppSync API keys expire at a moment given in epoch seconds.
          { id: EXPIRED, expiresAt: Math.floor(Date.now() / 1000) - 60 },
          { id: VALID, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
        ],
        iam: [],
      },
    }),
  });
  const graphql = createGraphqlHandler(runtime);
  server = http.createServer((req, res) => graphql(req, res));
  realtime = attachRealtime(server, realtimeBackendFor(runtime));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await realtime.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('an expired API key', () => {
  it('is refused over HTTP with 401 while a valid key of the same API works', async () => {
    const expired = await withApiKey(`http://${origin}/graphql`, EXPIRED, '{ raceClasses { classId } }');
    expect(expired.status).toBe(401);
    expect(expired.body.errors?.[0]).toMatchObject({
      errorType: 'UnauthorizedException',
      message: 'You are not authorized to make this call.',
    });
    const valid = await withApiKey(`http://${origin}/graphql`, VALID, '{ raceClasses { classId } }');
    expect(valid.status).toBe(200);
    expect(valid.body.data?.raceClasses).toBeInstanceOf(Array);
  });

  it('is refused at the WebSocket handshake with connection_error 401', async () => {
    const client = await openRealtime(`ws://${origin}/graphql/realtime`, { host: origin, 'x-api-key': EXPIRED });
    client.send(JSON.stringify({ type: 'connection_init' }));
    const error = await client.next((f) => f.type === 'connection_error');
    expect(error.payload?.errors?.[0]).toMatchObject({ errorType: 'UnauthorizedException', errorCode: 401 });
    expect((await client.closed).code).not.toBe(1000);
  });

  it('is refused on a subscription start even on a connection opened with a valid key', async () => {
    const client = await openRealtime(`ws://${origin}/graphql/realtime`, { host: origin, 'x-api-key': VALID });
    client.send(JSON.stringify({ type: 'connection_init' }));
    await client.next((f) => f.type === 'connection_ack');
    client.send(startFrame('s1', { host: origin, 'x-api-key': EXPIRED }));
    const refused = await client.next((f) => f.type === 'error' && f.id === 's1');
    expect(refused.payload?.errors?.[0]?.errorType).toBe('UnauthorizedException');
    client.close();
  });
});
