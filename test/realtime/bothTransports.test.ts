/**
 * One real-time endpoint attached to an HTTP and an HTTPS server at once (as
 * the local stack does): ws:// and wss:// sockets share one core, so one
 * publish reaches subscribers on both, once each, and the core counts both.
 */
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachRealtime, type RealtimeAttachment } from '../../local/appsync/realtime/index.js';
import { TEST_API_KEY, type GraphqlBackend } from './support/graphqlBackend.js';
import { liveRankingsBackend, liveRankingsInput, ON_LIVE_RANKINGS, PUBLISH } from './support/liveRankingsBackend.js';
import { openSocket, subscribe, type RealtimeFixture, type TestSocket } from './support/realtimeFixture.js';
import { testCertificates } from './support/testCertificates.js';

const http = createServer();
let https: ReturnType<typeof createTlsServer>;
let attachment: RealtimeAttachment;
let backend: GraphqlBackend;

const listen = (server: typeof http | typeof https): Promise<string> =>
  new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

beforeAll(async () => {
  https = createTlsServer({ ...(await testCertificates()).server });
  backend = liveRankingsBackend();
  attachment = attachRealtime([http, https], backend, { logger: { warn: () => undefined } });
});
afterAll(async () => {
  await attachment.close();
  await Promise.all([http, https].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** Connects over `scheme` with the API key and subscribes to class 1. */
async function subscriber(scheme: 'ws' | 'wss', host: string): Promise<TestSocket> {
  const header = Buffer.from(JSON.stringify({ host, 'x-api-key': TEST_API_KEY })).toString('base64');
  const socket = await openSocket(
    `${scheme}://${host}/graphql/realtime?header=${encodeURIComponent(header)}&payload=e30=`,
  );
  socket.send({ type: 'connection_init' });
  await socket.nextOf('connection_ack');
  // subscribe() needs only the fixture's host for the start's authorization.
  await subscribe(socket, { host } as RealtimeFixture, 'live-1', ON_LIVE_RANKINGS, { classId: 1 });
  return socket;
}

describe('one real-time endpoint on HTTP and HTTPS', () => {
  it('delivers one publish to ws:// and wss:// subscribers alike, once each', async () => {
    const [plainHost, tlsHost] = await Promise.all([listen(http), listen(https)]);
    const plain = await subscriber('ws', plainHost);
    const secure = await subscriber('wss', tlsHost);
    expect(attachment.server.connectionCount()).toBe(2);

    await backend.mutate(PUBLISH, { input: liveRankingsInput(1, 3) });
    const [a, b] = await Promise.all([plain.nextOf('data', 'live-1'), secure.nextOf('data', 'live-1')]);
    expect(a).toEqual(b);
    expect(
      (a.payload as { data: { onLiveRankings: { entries: unknown[] } } }).data.onLiveRankings.entries,
    ).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 200));
    expect([plain.ofType('data').length, secure.ofType('data').length]).toEqual([1, 1]);

    plain.close();
    secure.close();
    await Promise.all([plain.closed, secure.closed]);
  });
});
