import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createClient,
  ConnectionRefusedError,
  GraphQLResponseError,
  SubscriptionError,
  type AlleycatClient,
  type ConnectionState,
} from '../../client/index.js';
import {
  LiveRankingsDocument,
  OnLiveRankingsDocument,
  PublishLiveRankingsDocument,
} from '../../client/generated/operations.js';
import { LOCAL_REGION } from '../../local/credentials.js';
import { TEST_IAM_CREDENTIALS } from '../support/testCredentials.js';
import { TEST_API_KEY } from '../realtime/support/graphqlBackend.js';
import { liveRankingsBackend, liveRankingsInput } from '../realtime/support/liveRankingsBackend.js';
import { startRealtime, type RealtimeFixture } from '../realtime/support/realtimeFixture.js';
import { until } from '../support/eventually.js';

describe('the client SDK against the local endpoint', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(options: Parameters<typeof startRealtime>[1] = {}) {
    const backend = liveRankingsBackend();
    const fixture = await startRealtime(backend, options);
    cleanups.push(() => fixture.close());
    return { backend, fixture };
  }

  function clientFor(
    fixture: RealtimeFixture,
    auth: Parameters<typeof createClient>[0]['auth'] = { apiKey: TEST_API_KEY },
    realtime = {},
  ): AlleycatClient {
    const client = createClient({
      graphqlUrl: fixture.graphqlUrl,
      auth,
      WebSocket,
      realtime: { initialRetryDelayMs: 50, maxRetryDelayMs: 200, lazyCloseMs: 50, ...realtime },
    });
    cleanups.push(() => client.close());
    return client;
  }

  const iam = { iam: { credentials: TEST_IAM_CREDENTIALS, region: LOCAL_REGION } };

  it('runs typed queries and mutations over HTTP (API key and IAM)', async () => {
    const { fixture } = await setUp();
    const reader = clientFor(fixture);
    const publisher = clientFor(fixture, iam);
    expect(await reader.query(LiveRankingsDocument, { classId: 2 })).toEqual({ liveRankings: null });
    const published = await publisher.mutate(PublishLiveRankingsDocument, { input: liveRankingsInput(2, 2) });
    expect(published.publishLiveRankings?.entries).toHaveLength(2);
    const read = await reader.query(LiveRankingsDocument, { classId: 2 });
    expect(read.liveRankings?.entries.map((e) => e.racerId)).toEqual(['racer-00001', 'racer-00002']);
  });

  it('rejects GraphQL errors with GraphQLResponseError and keeps raw results raw', async () => {
    const { fixture } = await setUp();
    const client = clientFor(fixture);
    const raw = await client.requestRaw('{ nope }');
    expect(raw.errors?.[0]?.message).toBe('Cannot query field "nope" on type "Query".');
    await expect(client.query(LiveRankingsDocument, { classId: 'x' as unknown as number })).rejects.toBeInstanceOf(
      GraphQLResponseError,
    );
  });

  it('subscribes with callbacks, receives typed events and unsubscribes with a stop', async () => {
    const { fixture } = await setUp();
    const client = clientFor(fixture);
    const publisher = clientFor(fixture, iam);
    const events: unknown[] = [];
    const states: ConnectionState[] = [];
    client.onConnectionState((s) => states.push(s));
    const unsubscribe = client.subscribe(OnLiveRankingsDocument, { classId: 4 }, { next: (e) => events.push(e) });
    await until(() => fixture.attachment.server.stats().subscriptions === 1);
    expect(states).toEqual(['connecting', 'connected']);

    await publisher.mutate(PublishLiveRankingsDocument, { input: liveRankingsInput(4, 3) });
    await publisher.mutate(PublishLiveRankingsDocument, { input: liveRankingsInput(5, 3) });
    await until(() => events.length === 1);
    expect(events[0]).toMatchObject({
      onLiveRankings: { classId: 4, raceId: 100, entries: [{ rank: 1, name: 'Rider 1' }, { rank: 2 }, { rank: 3 }] },
    });

    unsubscribe();
    await until(() => fixture.attachment.server.stats().subscriptions === 0);
    // The unused connection is closed after lazyCloseMs.
    await until(() => client.connectionState() === 'idle');
  });

  it('subscribes as an async iterator; break unsubscribes', async () => {
    const { fixture } = await setUp();
    const client = clientFor(fixture);
    const publisher = clientFor(fixture, iam);
    const iterator = client.subscribe(OnLiveRankingsDocument, { classId: 1 });
    await until(() => fixture.attachment.server.stats().subscriptions === 1);
    for (let i = 0; i < 3; i += 1)
      await publisher.mutate(PublishLiveRankingsDocument, { input: liveRankingsInput(1, 1, 200 + i) });
    const raceIds: number[] = [];
    for await (const event of iterator) {
      raceIds.push(event.onLiveRankings?.raceId ?? -1);
      if (raceIds.length === 3) break;
    }
    expect(raceIds).toEqual([200, 201, 202]);
    await until(() => fixture.attachment.server.stats().subscriptions === 0);
  });

  it('subscribes with IAM: the handshake signed over /graphql/connect, the start over /graphql', async () => {
    const { fixture } = await setUp();
    const client = clientFor(fixture, iam);
    const events: unknown[] = [];
    client.subscribe(OnLiveRankingsDocument, { classId: 6 }, { next: (e) => events.push(e) });
    await until(() => fixture.attachment.server.stats().subscriptions === 1);
    await client.mutate(PublishLiveRankingsDocument, { input: liveRankingsInput(6, 1) });
    await until(() => events.length === 1);
  });

  it('reports a refused connection (bad credentials) as a final ConnectionRefusedError', async () => {
    const { fixture } = await setUp();
    const client = clientFor(fixture, {
      iam: { credentials: { accessKeyId: 'local', secretAccessKey: 'wrong' }, region: LOCAL_REGION },
    });
    const error = await new Promise<Error>((resolve) =>
      client.subscribe(OnLiveRankingsDocument, { classId: 1 }, { next: () => undefined, error: resolve }),
    );
    expect(error).toBeInstanceOf(ConnectionRefusedError);
    expect((error as ConnectionRefusedError).errors[0]).toMatchObject({
      errorType: 'UnauthorizedException',
      errorCode: 401,
    });
  });

  it('reports a refused subscription as a SubscriptionError', async () => {
    const { fixture } = await setUp();
    const client = clientFor(fixture);
    const error = await new Promise<Error>((resolve) =>
      client.subscribeRaw('subscription { onLiveRankings { classId } }', {}, { next: () => undefined, error: resolve }),
    );
    expect(error).toBeInstanceOf(SubscriptionError);
    expect(error.message).toBe(
      'ValidationError: Field "onLiveRankings" argument "classId" of type "Int!" is required, but it was not provided.',
    );
  });

  it('reconnects with backoff after the server goes away and resubscribes', async () => {
    const { backend, fixture } = await setUp();
    const client = clientFor(fixture);
    const states: ConnectionState[] = [];
    client.onConnectionState((s) => states.push(s));
    const events: number[] = [];
    client.subscribe(
      OnLiveRankingsDocument,
      { classId: 3 },
      { next: (e) => events.push(e.onLiveRankings?.raceId ?? -1) },
    );
    await until(() => fixture.attachment.server.stats().subscriptions === 1);

    await fixture.close();
    await until(() => states.includes('reconnecting'));
    await new Promise((r) => setTimeout(r, 300)); // a few failed attempts while the server is down
    const restarted = await startRealtime(backend, {}, fixture.port);
    cleanups.push(() => restarted.close());
    await until(() => restarted.attachment.server.stats().subscriptions === 1);
    expect(states.at(-1)).toBe('connected');

    await backend.mutate(
      `mutation P($input: LiveRankingsInput!) { publishLiveRankings(input: $input) { classId raceId updatedAt entries { rank racerId name output second flags } } }`,
      {
        input: liveRankingsInput(3, 1, 777),
      },
    );
    await until(() => events.includes(777));
  });

  it('detects a silent connection (no ka within the keep-alive timeout) and reconnects', async () => {
    const { fixture } = await setUp({ keepAliveIntervalMs: 60_000 });
    const client = clientFor(fixture, { apiKey: TEST_API_KEY }, { keepAliveTimeoutMs: 200 });
    const states: ConnectionState[] = [];
    client.onConnectionState((s) => states.push(s));
    client.subscribe(OnLiveRankingsDocument, { classId: 3 }, { next: () => undefined });
    await until(() => states.filter((s) => s === 'connected').length >= 2);
    expect(states.slice(0, 4)).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });
});
