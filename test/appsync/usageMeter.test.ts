// The usage meter: what AppSync would bill, counted by the local runtime over real HTTP and WebSocket connections.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createUsageMeter,
  meteredUnits,
  operationKey,
  subscriptionKey,
  METERED_MESSAGE_BYTES,
  OTHER_KEY,
  type UsageMeter,
} from '../../local/appsync/index.js';
import { createTestRuntime } from './fixtures/testRuntime.js';
import { TEST_API_KEY } from './fixtures/testApi.js';
import { post } from './httpClient.js';
import { serveRuntime, type RuntimeServer } from '../realtime/support/runtimeServer.js';
import { openSocket, type TestSocket } from '../realtime/support/realtimeFixture.js';
import { until } from '../support/eventually.js';

const ON_MESSAGE = 'subscription On($classId: Int) { onMessage(classId: $classId) { msg } }';
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

/** The `data` frame the server sends subscriber `id` for a message `msg` (the selection is `{ msg }`). */
function dataFrame(id: string, msg: string): string {
  return JSON.stringify({ type: 'data', id, payload: { data: { onMessage: { msg } } } });
}

/** A message whose `data` frame to subscriber `id` is exactly `bytes` bytes. */
function messageOfFrameSize(id: string, bytes: number): string {
  const envelope = Buffer.byteLength(dataFrame(id, ''));
  return 'x'.repeat(bytes - envelope);
}

describe('usage meter over the real endpoints', () => {
  let server: RuntimeServer | undefined;
  const sockets: TestSocket[] = [];
  let now = T0;
  let meter: UsageMeter;

  async function start(): Promise<RuntimeServer> {
    now = T0;
    meter = createUsageMeter({ clock: () => now });
    const runtime = createTestRuntime({}, { meter });
    server = await serveRuntime(runtime, { meter });
    return server;
  }

  async function connect(s: RuntimeServer): Promise<TestSocket> {
    const header = Buffer.from(JSON.stringify({ host: s.host, 'x-api-key': TEST_API_KEY })).toString('base64');
    const socket = await openSocket(`${s.realtimeUrl}?header=${encodeURIComponent(header)}&payload=e30=`);
    sockets.push(socket);
    socket.send({ type: 'connection_init' });
    await socket.nextOf('connection_ack');
    return socket;
  }

  async function subscribe(s: RuntimeServer, socket: TestSocket, id: string, classId: number): Promise<void> {
    socket.send({
      id,
      type: 'start',
      payload: {
        data: JSON.stringify({ query: ON_MESSAGE, variables: { classId } }),
        extensions: { authorization: { host: s.host, 'x-api-key': TEST_API_KEY } },
      },
    });
    await socket.nextOf('start_ack', id);
  }

  function gql(s: RuntimeServer, query: string, headers: Record<string, string> = { 'x-api-key': TEST_API_KEY }) {
    return post(s.graphqlUrl, JSON.stringify({ query }), { 'content-type': 'application/json', ...headers });
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await server?.close();
    server = undefined;
  });

  it('bills a 4 KB event as 1 metered message and a 12 KB event as 3, per subscriber, with the exact bytes sent', async () => {
    const s = await start();
    const a = await connect(s);
    const b = await connect(s);
    await subscribe(s, a, 'sub-1', 1);
    await subscribe(s, b, 'sub-1', 1);
    const received: number[] = [];
    a.ws.on('message', (data: Buffer) => received.push(data.byteLength));

    for (const bytes of [4 * 1024, 12 * 1024]) {
      const answer = await gql(
        s,
        `mutation { publish(classId: 1, msg: "${messageOfFrameSize('sub-1', bytes)}") { classId msg } }`,
      );
      expect(answer.body.errors).toBeUndefined();
    }
    await until(() => a.ofType('data').length === 2 && b.ofType('data').length === 2);
    // What the client got is what was metered: 4,096 and 12,288 bytes.
    expect(received.filter((n) => n > 1000)).toEqual([4096, 12288]);

    const usage = meter.usage();
    expect(usage.dataMessages).toBe(4);
    expect(usage.dataUnits).toBe(2 * (1 + 3));
    expect(usage.dataBytes).toBe(2 * (4096 + 12288));
    expect(usage.subscriptions).toEqual([
      { key: 'onMessage(classId: 1)', starts: 2, messages: 4, units: 8, bytes: 2 * (4096 + 12288) },
    ]);
    // Two connections and two subscription registrations are real-time updates too.
    expect(usage.connections).toBe(2);
    expect(usage.subscriptionStarts).toBe(2);
    expect(usage.realtimeUpdates).toBe(8 + 2 + 2);
  });

  it('meters the 5 KB boundary exactly: 5,120 bytes is 1 unit, 5,121 bytes is 2', async () => {
    const s = await start();
    const a = await connect(s);
    await subscribe(s, a, 'q', 7);
    for (const bytes of [METERED_MESSAGE_BYTES, METERED_MESSAGE_BYTES + 1])
      await gql(s, `mutation { publish(classId: 7, msg: "${messageOfFrameSize('q', bytes)}") { classId msg } }`);
    await until(() => a.ofType('data').length === 2);
    const [sub] = meter.usage().subscriptions;
    expect(sub).toEqual({ key: 'onMessage(classId: 7)', starts: 1, messages: 2, units: 3, bytes: 10_241 });
  });

  it('counts per subscription field and arguments: only the class that got the event is billed for it', async () => {
    const s = await start();
    const one = await connect(s);
    const two = await connect(s);
    await subscribe(s, one, 'a', 1);
    await subscribe(s, one, 'b', 1);
    await subscribe(s, two, 'c', 2);
    await gql(s, 'mutation { publish(classId: 1, msg: "hello") { classId msg } }');
    await until(() => one.ofType('data').length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(two.ofType('data')).toEqual([]);
    const byKey = Object.fromEntries(meter.usage().subscriptions.map((u) => [u.key, u]));
    expect(byKey['onMessage(classId: 1)']).toMatchObject({ starts: 2, messages: 2, units: 2 });
    expect(byKey['onMessage(classId: 2)']).toEqual({
      key: 'onMessage(classId: 2)',
      starts: 1,
      messages: 0,
      units: 0,
      bytes: 0,
    });
  });

  it('counts connection-minutes from connection_ack to close, open connections up to now', async () => {
    const s = await start();
    const a = await connect(s);
    now += 90_000;
    const b = await connect(s);
    now += 30_000;
    // a: 2 minutes so far, b: half a minute.
    expect(meter.usage()).toMatchObject({ connections: 2, openConnections: 2, connectionMinutes: 2.5 });
    a.close();
    await until(() => meter.usage().openConnections === 1);
    now += 60_000;
    // a stopped at 2 minutes; b is at 1.5.
    expect(meter.usage().connectionMinutes).toBe(3.5);
    b.close();
    await until(() => meter.usage().openConnections === 0);
    now += 600_000;
    expect(meter.usage().connectionMinutes).toBe(3.5);
  });

  it('does not count a socket that never got connection_ack, nor keep-alives', async () => {
    const s = await start();
    const header = Buffer.from(JSON.stringify({ host: s.host, 'x-api-key': 'da2-wrong' })).toString('base64');
    const refused = await openSocket(`${s.realtimeUrl}?header=${encodeURIComponent(header)}&payload=e30=`);
    sockets.push(refused);
    refused.send({ type: 'connection_init' });
    await refused.nextOf('connection_error');
    const ok = await connect(s);
    // AppSync sends a ka right after the ack: not billed.
    await ok.nextOf('ka');
    now += 60_000;
    expect(meter.usage()).toMatchObject({ connections: 1, connectionMinutes: 1, dataMessages: 0, realtimeUpdates: 1 });
  });

  it('counts one request per authenticated query or mutation, by root fields; refused and malformed ones as the spec says', async () => {
    const s = await start();
    for (let i = 0; i < 3; i += 1) await gql(s, '{ echo(msg: "hi") }');
    await gql(s, 'mutation { publish(classId: 2, msg: "m") { msg } }');
    await gql(s, 'mutation { publish(classId: 2, msg: "m") { msg } }');
    // Several root fields: one request, keyed by both.
    await gql(s, '{ b: echo(msg: "1") a: echo(msg: "2") plainNoResolver }');
    // Syntax error: billed (authenticated), no operation to name.
    await gql(s, '{ echo(');
    // Unauthenticated: refused before AppSync runs anything, not counted.
    const refused = await gql(s, '{ echo(msg: "x") }', { 'x-api-key': 'da2-nope' });
    expect(refused.status).toBe(401);

    const usage = meter.usage();
    expect(usage.requests).toBe(7);
    expect(usage.operations).toEqual([
      { key: 'Query.echo', requests: 3 },
      { key: 'Mutation.publish', requests: 2 },
      { key: '(invalid)', requests: 1 },
      { key: 'Query.echo + Query.plainNoResolver', requests: 1 },
    ]);
  });
});

describe('usage meter core', () => {
  it('bills at least one unit per message and one more per started 5 KB', () => {
    expect([1, 5120, 5121, 10_240, 10_241, 240 * 1024].map(meteredUnits)).toEqual([1, 1, 2, 2, 3, 48]);
  });

  it('keeps at most maxKeys distinct keys per kind: a flood of distinct arguments lands in (other)', () => {
    const meter = createUsageMeter({ maxKeys: 4 });
    for (let classId = 0; classId < 100; classId += 1) {
      const sub = meter.subscription(subscriptionKey('onLiveRankings', { classId }));
      sub.started();
      sub.delivered(100);
      meter.request(operationKey('Query', [`field${classId}`]));
    }
    const usage = meter.usage();
    expect(usage.subscriptions).toHaveLength(4);
    expect(usage.operations).toHaveLength(4);
    expect(usage.subscriptions.find((s) => s.key === OTHER_KEY)).toMatchObject({ starts: 97, messages: 97, units: 97 });
    expect(usage.operations.find((o) => o.key === OTHER_KEY)).toEqual({ key: OTHER_KEY, requests: 97 });
    // Nothing is lost in the totals.
    expect(usage).toMatchObject({ requests: 100, subscriptionStarts: 100, dataMessages: 100, dataUnits: 100 });
  });

  it('names subscriptions by field and sorted arguments, cutting long client-supplied values', () => {
    expect(subscriptionKey('onLiveRankings', { classId: 1 })).toBe('onLiveRankings(classId: 1)');
    expect(subscriptionKey('onLiveBoard', { classId: 2, bands: [0, 3] })).toBe('onLiveBoard(bands: [0,3], classId: 2)');
    expect(subscriptionKey('onAny', {})).toBe('onAny');
    expect(subscriptionKey('onRoom', { roomId: null })).toBe('onRoom(roomId: null)');
    const long = subscriptionKey('onRoom', { roomId: 'r'.repeat(10_000) });
    expect(long.length).toBe(160);
    expect(long.endsWith('…')).toBe(true);
  });

  it('closing a connection twice counts its minutes once', () => {
    let now = T0;
    const meter = createUsageMeter({ clock: () => now });
    const close = meter.connectionOpened();
    now += 60_000;
    close();
    now += 60_000;
    close();
    expect(meter.usage()).toMatchObject({ connections: 1, openConnections: 0, connectionMinutes: 1 });
  });
});
