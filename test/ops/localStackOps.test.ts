/**
 * The ops view on the real local stack: a poison record and a
 * stopped DynamoDB Local each show up in GET /ops/metrics (and so in
 * `alleycat status` and the /ops page) within a window or two, and the
 * functions' EMF metrics arrive through the stdout tap.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../../client/index.js';
import { OnLiveRankingsDocument } from '../../client/generated/operations.js';
import { raceIdAt, raceSecondAt } from '../../core/raceClock.js';
import { fetchSnapshot } from '../../cli/status.js';
import { localKinesis } from '../../local/stack/clients.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import type { OpsSnapshot } from '../../contract/opsMetrics.js';

const RACE_SECONDS = 60;
const WINDOW_SECONDS = 2;
let stack: LocalStack;

beforeAll(async () => {
  stack = await startScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: WINDOW_SECONDS });
});
afterAll(async () => {
  await stack?.stop();
});

const opsUrl = () => new URL('/ops/metrics', stack.endpoints.graphqlUrl).href;

async function waitFor(what: string, check: (s: OpsSnapshot) => boolean, ms: number): Promise<OpsSnapshot> {
  const until = Date.now() + ms;
  let last: OpsSnapshot | undefined;
  while (Date.now() < until) {
    last = await fetchSnapshot(opsUrl());
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `${what} did not show up within ${ms} ms; series: ${last?.series
      .map((s) => `${s.id}=${s.total ?? s.latest}`)
      .join(', ')}`,
  );
}

function validRecord(racerId: string) {
  const now = Date.now();
  const raceId = raceIdAt(now, RACE_SECONDS);
  const second = Math.max(1, raceSecondAt(raceId, RACE_SECONDS, now));
  return {
    raceId,
    classId: 1,
    racerId,
    second,
    power: 200,
    output: second * 0.2,
    event: 'update',
    deviceTimestamp: now,
  };
}

async function put(records: { data: string; key: string }[]): Promise<void> {
  const kinesis = localKinesis(stack.endpoints.kinesis.endpoint);
  const out = await kinesis.send(
    new PutRecordsCommand({
      StreamName: stack.endpoints.kinesis.streamName,
      Records: records.map((r) => ({ Data: Buffer.from(r.data), PartitionKey: r.key })),
    }),
  );
  kinesis.destroy();
  expect(out.FailedRecordCount ?? 0).toBe(0);
}

describe('the ops view of a running stack', () => {
  it('shows the event-source mappings and the real-time server from the start', async () => {
    const snapshot = await waitFor(
      'mapping figures',
      (s) => s.series.some((x) => x.id === 'esm.aggregator.maxIteratorAgeMs'),
      10_000,
    );
    const ids = snapshot.series.map((s) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'esm.aggregator.batches',
        'esm.finalizer.maxIteratorAgeMs',
        'esm.allTime.discardedBatches',
        'realtime.connections',
      ]),
    );
  });

  it('counts live subscriptions per race class', async () => {
    const client = createClient({
      graphqlUrl: stack.endpoints.graphqlUrl,
      auth: { apiKey: stack.endpoints.apiKey },
      WebSocket,
    });
    const stops = [4, 4, 2].map((classId) =>
      client.subscribe(OnLiveRankingsDocument, { classId }, { next: () => undefined }),
    );
    try {
      const perClass = (s: OpsSnapshot, classId: number) =>
        s.series.find((x) => x.id === `realtime.subscriptions.class.${classId}`)?.latest;
      const snapshot = await waitFor(
        'subscriptions per class',
        (s) => perClass(s, 4) === 2 && perClass(s, 2) === 1,
        15_000,
      );
      expect(perClass(snapshot, 4)).toBe(2);
      // The same traffic metered at AppSync's list prices (infra/appsyncPrices.ts): one connection, three subscriptions.
      const { cost } = await waitFor(
        'metered subscriptions',
        (s) => (s.cost?.total.subscriptionStarts ?? 0) >= 3 && (s.cost?.total.connectionMinutes ?? 0) > 0,
        10_000,
      );
      expect(cost?.prices.source).toBe('https://aws.amazon.com/appsync/pricing/');
      expect(cost?.total.connections).toBeGreaterThanOrEqual(1);
      expect(cost?.total.usd.realtimeUpdates).toBeGreaterThan(0);
      expect(cost?.race.raceSeconds).toBe(RACE_SECONDS);
    } finally {
      for (const stop of stops) stop();
      client.close();
    }
  });

  it('agrees on connections and subscriptions, and every gauge goes back to 0 when the sockets close', async () => {
    const gauge = (s: OpsSnapshot, id: string) => s.series.find((x) => x.id === id)?.latest;
    const clients = [1, 2].map(() =>
      createClient({ graphqlUrl: stack.endpoints.graphqlUrl, auth: { apiKey: stack.endpoints.apiKey }, WebSocket }),
    );
    const [a, b] = clients as [ReturnType<typeof createClient>, ReturnType<typeof createClient>];
    a.subscribe(OnLiveRankingsDocument, { classId: 1 }, { next: () => undefined });
    a.subscribe(OnLiveRankingsDocument, { classId: 3 }, { next: () => undefined });
    b.subscribe(OnLiveRankingsDocument, { classId: 1 }, { next: () => undefined });
    try {
      const open = await waitFor(
        'two connections, three subscriptions',
        (s) =>
          gauge(s, 'realtime.connections') === 2 &&
          gauge(s, 'realtime.subscriptions') === 3 &&
          gauge(s, 'realtime.subscriptions.class.1') === 2 &&
          gauge(s, 'realtime.subscriptions.class.3') === 1,
        15_000,
      );
      // The per-class figures add up to the total shown beside them.
      const perClassSum = open.series
        .filter((x) => x.id.startsWith('realtime.subscriptions.class.'))
        .reduce((sum, x) => sum + (x.latest ?? 0), 0);
      expect(perClassSum).toBe(gauge(open, 'realtime.subscriptions'));
    } finally {
      for (const c of clients) c.close();
    }
    // Closed sockets: every gauge reads 0 again (not the last count it had).
    const closed = await waitFor(
      'the gauges back at 0',
      (s) =>
        gauge(s, 'realtime.connections') === 0 &&
        gauge(s, 'realtime.subscriptions') === 0 &&
        s.series.filter((x) => x.id.startsWith('realtime.subscriptions.class.')).every((x) => x.latest === 0),
      15_000,
    );
    expect(gauge(closed, 'realtime.subscriptions.class.1')).toBe(0);
    expect(gauge(closed, 'realtime.subscriptions.class.3')).toBe(0);
    expect(gauge(closed, 'realtime.subscriptions.class.4')).toBe(0);
  });

  it('counts a poison record (and the EMF metrics of the batch it came in) within a window or two', async () => {
    await put([
      { data: 'this is not telemetry', key: 'poison' },
      { data: JSON.stringify(validRecord('healthy-rider')), key: 'healthy-rider' },
    ]);
    // Totals move as soon as the EMF line arrives; alerts at the next sample (every 2 s).
    const snapshot = await waitFor(
      'MalformedRecords',
      (s) =>
        (s.series.find((x) => x.id === 'fn.aggregator.MalformedRecords')?.total ?? 0) >= 1 &&
        s.alerts.some((a) => a.id === 'AggregatorMalformedRecords'),
      Math.max(15_000, 4 * WINDOW_SECONDS * 1000),
    );
    expect(snapshot.series.find((x) => x.id === 'fn.aggregator.RecordsReceived')?.total).toBeGreaterThanOrEqual(2);
    expect(snapshot.inputs.emfInvalid).toBe(0);
  });

  it('shows failing invocations once DynamoDB Local is stopped', async () => {
    const pid = stack.pids.dynamodb;
    expect(pid).toBeDefined();
    process.kill(pid as number, 'SIGTERM');
    await put([{ data: JSON.stringify(validRecord('rider-during-outage')), key: 'rider-during-outage' }]);
    const snapshot = await waitFor(
      'function errors',
      (s) => s.alerts.some((a) => a.id === 'AggregatorFunctionErrors'),
      45_000,
    );
    expect(snapshot.series.find((x) => x.id === 'esm.aggregator.functionErrors')?.total).toBeGreaterThanOrEqual(1);
  }, 90_000);
});
