/**
 * The real-time endpoint over the real local AppSync runtime: the project's
 * APPSYNC_JS resolvers (publishLiveRankings, onLiveRankings) and auth, and the
 * runtime test API's enhanced filter and invalidation resolvers.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import WebSocket from 'ws';
import { createClient, SubscriptionError, GraphQLResponseError, type AlleycatClient } from '../../client/index.js';
import {
  OnLiveBoardDocument,
  OnLiveRankingsDocument,
  PublishLiveRankingsDocument,
} from '../../client/generated/operations.js';
import { LOCAL_REGION } from '../../local/credentials.js';
import { TEST_IAM_CREDENTIALS } from '../support/testCredentials.js';
import { API_KEY, createApi, type Api } from '../resolvers/api.js';
import { createTestRuntime } from '../appsync/fixtures/testRuntime.js';
import { TEST_API_KEY as RUNTIME_TEST_KEY } from '../appsync/fixtures/testApi.js';
import { liveRankingsInput } from './support/liveRankingsBackend.js';
import { serveRuntime, type RuntimeServer } from './support/runtimeServer.js';
import { until } from '../support/eventually.js';
import { createBandPublisher } from '../../functions/aggregator/publishLiveBands.js';
import { fitBand } from '../../functions/aggregator/fitBand.js';
import { createSignedPoster } from '../../functions/aggregator/publishLiveRankings.js';

describe('live rankings through the local AppSync runtime and the project resolvers', () => {
  let api: Api;
  let server: RuntimeServer;
  let reader: AlleycatClient;
  let publisher: AlleycatClient;
  beforeAll(async () => {
    api = await createApi({ ddbEndpoint: inject('dynamodbEndpoint'), now: Date.now() });
    server = await serveRuntime(api.runtime);
    reader = createClient({ graphqlUrl: server.graphqlUrl, auth: { apiKey: API_KEY }, WebSocket });
    publisher = createClient({
      graphqlUrl: server.graphqlUrl,
      auth: { iam: { credentials: TEST_IAM_CREDENTIALS, region: LOCAL_REGION } },
      WebSocket,
    });
  });
  afterAll(async () => {
    reader.close();
    publisher.close();
    await server.close();
    api.destroy();
  });

  it('delivers an IAM publishLiveRankings to API-key subscribers of that class only', async () => {
    const class1: unknown[] = [];
    const class2: unknown[] = [];
    const stop1 = reader.subscribe(OnLiveRankingsDocument, { classId: 1 }, { next: (e) => class1.push(e) });
    const stop2 = reader.subscribe(OnLiveRankingsDocument, { classId: 2 }, { next: (e) => class2.push(e) });
    await until(() => server.attachment.server.stats().subscriptions === 2);

    const input = liveRankingsInput(1, 3, 4242);
    const published = await publisher.mutate(PublishLiveRankingsDocument, { input });
    expect(published.publishLiveRankings?.raceId).toBe(4242);
    await until(() => class1.length === 1);
    expect(class1[0]).toEqual({ onLiveRankings: { ...input, totalRiders: null, entries: input.entries } });
    expect(class2).toEqual([]);
    stop1();
    stop2();
  });

  it('refuses publishLiveRankings with an API key: nothing reaches subscribers', async () => {
    const events: unknown[] = [];
    const stop = reader.subscribe(OnLiveRankingsDocument, { classId: 3 }, { next: (e) => events.push(e) });
    await until(() => server.attachment.server.stats().subscriptions === 1);
    const error = await reader
      .mutate(PublishLiveRankingsDocument, { input: liveRankingsInput(3, 1) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphQLResponseError);
    expect((error as GraphQLResponseError).errors[0]).toMatchObject({ errorType: 'Unauthorized' });
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([]);
    stop();
  });

  it('delivers an IAM publishLiveBand only to subscribers of that band, and refuses it with an API key', async () => {
    const band0: unknown[] = [];
    const band1: unknown[] = [];
    const stop0 = reader.subscribe(OnLiveBoardDocument, { classId: 4, bands: [0] }, { next: (e) => band0.push(e) });
    const stop1 = reader.subscribe(OnLiveBoardDocument, { classId: 4, bands: [1] }, { next: (e) => band1.push(e) });
    await until(() => server.attachment.server.stats().subscriptions === 2);

    const forged = await reader.requestRaw(PUBLISH_BAND, { input: liveBandInput(4, 0, 'forged') });
    expect(forged.data).toEqual({ publishLiveBand: null });
    expect(forged.errors?.[0]).toMatchObject({ errorType: 'Unauthorized', path: ['publishLiveBand'] });

    const signed = await publisher.requestRaw(PUBLISH_BAND, { input: liveBandInput(4, 0, 'honest') });
    expect(signed.errors).toBeUndefined();
    await until(() => band0.length === 1);
    expect(band0[0]).toMatchObject({
      onLiveBoard: { classId: 4, band: 0, totalRiders: 60, entries: [{ racerId: 'honest', rank: 1 }] },
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(band0).toHaveLength(1);
    expect(band1).toEqual([]);
    stop0();
    stop1();
  });

  it("delivers a window's bands, published as aliased fields of a few requests, to exactly the subscribers of each band", async () => {
    const follow = (bands: number[]) => {
      const got: number[] = [];
      const errors: Error[] = [];
      const stop = reader.subscribe(
        OnLiveBoardDocument,
        { classId: 5, bands },
        { next: (e) => got.push(e.onLiveBoard?.band ?? -1), error: (e) => errors.push(e) },
      );
      return { got, errors, stop };
    };
    const top = follow([0]);
    const topAndOwn = [follow([0, 7]), follow([0, 7]), follow([7, 0])];
    const lastBand = follow([119]);
    const beyond = follow([9_999]);
    const five = follow([1, 2, 3, 4, 5]);
    await until(() => server.attachment.server.subscriptionsByArgument('classId')['5'] === 7);
    // What a careless or hostile viewer asks is refused by the resolver before any filter is set.
    const refused = await Promise.all(
      [[0, 0, 7], [10_001], [-1], [1, 2, 3, 4, 5, 6], []].map(
        (bands) =>
          new Promise<Error>((resolve) =>
            reader.subscribe(OnLiveBoardDocument, { classId: 5, bands }, { next: () => undefined, error: resolve }),
          ),
      ),
    );
    for (const error of refused)
      expect((error as SubscriptionError).errors[0]).toMatchObject({ errorType: 'ValidationError' });

    const bands = Array.from({ length: 120 }, (_, b) => ({
      classId: 5,
      raceId: 4244,
      updatedAt: '2026-11-23T03:00:05.000Z',
      band: b,
      totalRiders: 6_000,
      entries: [{ rank: b * 50 + 1, racerId: `r${b}`, name: null, output: 1000 - b, second: 120 }],
    }));
    // Another class's board at the same time reaches none of them.
    const other = bands.map((b) => ({ ...b, classId: 6 }));
    const publish = createBandPublisher(
      createSignedPoster({ graphqlUrl: server.graphqlUrl, region: LOCAL_REGION, credentials: TEST_IAM_CREDENTIALS }),
    );
    await Promise.all([publish(bands.map(fitBand)), publish(other.map(fitBand))]);
    await until(() => lastBand.got.length === 1 && topAndOwn.every((f) => f.got.length === 2) && five.got.length === 5);
    await new Promise((r) => setTimeout(r, 100));
    expect(top.got).toEqual([0]);
    for (const f of topAndOwn) expect([...f.got].sort((a, b) => a - b)).toEqual([0, 7]);
    expect(lastBand.got).toEqual([119]);
    expect(beyond.got).toEqual([]);
    expect([...five.got].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    for (const f of [top, ...topAndOwn, lastBand, beyond, five]) {
      expect(f.errors).toEqual([]);
      f.stop();
    }
  });

  it("refuses a subscription the resolver rejects (class outside the catalog) with the resolver's error", async () => {
    const error = await new Promise<Error>((resolve) =>
      reader.subscribe(OnLiveRankingsDocument, { classId: 99 }, { next: () => undefined, error: resolve }),
    );
    expect(error).toBeInstanceOf(SubscriptionError);
    expect((error as SubscriptionError).errors[0]).toMatchObject({ errorType: 'ValidationError' });
  });
});

describe('enhanced filters and invalidation set by APPSYNC_JS subscription resolvers', () => {
  let server: RuntimeServer;
  let client: AlleycatClient;
  beforeAll(async () => {
    server = await serveRuntime(createTestRuntime());
    client = createClient({ graphqlUrl: server.graphqlUrl, auth: { apiKey: RUNTIME_TEST_KEY }, WebSocket });
  });
  afterAll(async () => {
    client.close();
    await server.close();
  });

  const ON_MESSAGE = 'subscription S($classId: Int) { onMessage(classId: $classId) { classId msg } }';
  const PUBLISH =
    'mutation P($classId: Int!, $msg: String!) { publish(classId: $classId, msg: $msg) { classId msg at } }';

  it('filters with extensions.setSubscriptionFilter, refuses util.unauthorized, and invalidates with invalidateSubscriptions', async () => {
    const events: unknown[] = [];
    let completed = false;
    client.subscribeRaw(
      ON_MESSAGE,
      { classId: 5 },
      { next: (e) => events.push(e.data), complete: () => (completed = true) },
    );
    await until(() => server.attachment.server.stats().subscriptions === 1);

    await client.requestRaw(PUBLISH, { classId: 6, msg: 'other class' });
    await client.requestRaw(PUBLISH, { classId: 5, msg: 'hello' });
    await until(() => events.length === 1);
    expect(events).toEqual([{ onMessage: { classId: 5, msg: 'hello' } }]);

    const refused = await new Promise<Error>((resolve) =>
      client.subscribeRaw(ON_MESSAGE, { classId: 13 }, { next: () => undefined, error: resolve }),
    );
    expect(refused.message).toBe('Unauthorized: Not Authorized to access onMessage on type Subscription');

    // "bye" makes the mutation's response handler call extensions.invalidateSubscriptions for class 5.
    await client.requestRaw(PUBLISH, { classId: 5, msg: 'bye' });
    await until(() => completed);
    expect(server.attachment.server.stats().subscriptions).toBe(0);
  });
});

/** Selects every field onLiveBoard asks for: a subscriber gets only what the mutation selected. */
const PUBLISH_BAND = `mutation PublishBand($input: LiveBandInput!) {
  publishLiveBand(input: $input) {
    classId raceId updatedAt band totalRiders entries { rank racerId name output second }
  }
}`;

/** One band of a 60-rider race whose leader is `racerId`. */
function liveBandInput(classId: number, band: number, racerId: string) {
  return {
    classId,
    raceId: 4243,
    updatedAt: '2026-11-23T03:00:00.000Z',
    band,
    totalRiders: 60,
    entries: [{ rank: 1, racerId, name: 'Leader', output: 99.5, second: 120 }],
  };
}
