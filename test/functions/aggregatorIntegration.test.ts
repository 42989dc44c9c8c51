/**
 * The aggregator against DynamoDB Local: two shards closing the same race,
 * replays, and DynamoDB being unavailable at a window close.
 */
import { describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createAggregator } from '../../functions/aggregator/aggregator.js';
import type { AggregatorDeps } from '../../functions/aggregator/aggregator.js';
import { LIVE_SK_PREFIX, racePk } from '../../core/keys.js';
import { freePort } from '../../local/emulators/freePort.js';
import { telemetry, windowEvent } from './factories.js';
import { documentClient, manualClock, useAggregatorHarness, type TestAggregatorDeps } from './support.js';

const RACE_SECONDS = 300;
const RACE_ID = 5_900_000;
const CLASS_ID = 4;
const ARRIVAL = RACE_ID * RACE_SECONDS + 120;
/** Riders join in the race's first seconds (core/fairPlay.ts joinDeadline): their first window arrives at second 31. */
const JOIN_ARRIVAL = RACE_ID * RACE_SECONDS + 31;
const WINDOW_END = ARRIVAL * 1000 + 2000;

interface Ride {
  racerId: string;
  name: string;
  /** Output at each second 1..120 (cumulative, never decreasing). */
  outputAt: (s: number) => number;
}

/** 40 riders; riders 10 and 11, and 20..22, end on exactly equal outputs (ties). */
function rides(): Ride[] {
  const out: Ride[] = [];
  for (let i = 0; i < 40; i += 1) {
    const rate = i === 11 ? 0.2 + 10 * 0.003 : i >= 20 && i <= 22 ? 0.3 : 0.2 + i * 0.003;
    out.push({
      racerId: `rider-${String(i).padStart(2, '0')}`,
      name: `Rider ${i}`,
      outputAt: (s) => Math.round(s * rate * 1000) / 1000,
    });
  }
  return out;
}

/** The contract's ranking computed independently: newest second per rider, output desc, racerId asc, 1-2-2-4. */
function referenceRanking(all: Ride[], lastSecond: number): Array<{ rank: number; racerId: string; output: number }> {
  const rows = all.map((r) => ({ racerId: r.racerId, output: r.outputAt(lastSecond) }));
  rows.sort((a, b) => b.output - a.output || (a.racerId < b.racerId ? -1 : 1));
  return rows.map((r, i) => {
    let rank = i + 1;
    for (let j = i - 1; j >= 0 && rows[j]!.output === r.output; j -= 1) rank = j + 1;
    return { rank, ...r };
  });
}

/** The telemetry of one shard's riders for seconds from..to, shuffled and with duplicates. */
function shardRecords(all: Ride[], shard: number, from: number, to: number): unknown[] {
  const recs: unknown[] = [];
  for (let s = from; s <= to; s += 1) {
    all.forEach((r, i) => {
      if (i % 2 !== shard) return;
      recs.push(
        telemetry({
          raceId: RACE_ID,
          classId: CLASS_ID,
          racerId: r.racerId,
          name: s === from ? r.name : undefined,
          second: s,
          output: r.outputAt(s),
        }),
      );
    });
  }
  // Out of order: reverse the second half; duplicates: replay the first ten.
  const half = Math.floor(recs.length / 2);
  return [...recs.slice(0, half), ...recs.slice(half).reverse(), ...recs.slice(0, 10)];
}

const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];

describe('aggregator against DynamoDB Local', () => {
  const harness = useAggregatorHarness({ raceSeconds: RACE_SECONDS });

  function deps(overrides: Partial<AggregatorDeps> = {}): TestAggregatorDeps {
    return harness.deps(manualClock(WINDOW_END + 300), overrides);
  }

  /** One window on one shard: three invocations, then the final one. Returns the final state passed in. */
  async function runWindow(
    run: ReturnType<typeof createAggregator>,
    shard: number,
    from: number,
    to: number,
    malformed = false,
    arrivalSeconds = ARRIVAL,
  ) {
    const recs = shardRecords(rides(), shard, from, to);
    const third = Math.ceil(recs.length / 3);
    let state: unknown = {};
    for (let k = 0; k < 3; k += 1) {
      const batch = recs.slice(k * third, (k + 1) * third);
      if (malformed && k === 1) batch.push('{"raceId": oops', { ...(batch[0] as object), output: 99_999 });
      const res = await run(
        windowEvent(batch, { shardId: SHARDS[shard], state, arrivalSeconds, windowEnd: WINDOW_END }),
      );
      state = res.state;
    }
    return state;
  }

  it('two shards closing the same race concurrently publish exactly the reference ranking', async () => {
    const d0 = deps();
    const d1 = deps();
    const [s0, s1] = await Promise.all([
      runWindow(createAggregator(d0), 0, 1, 30, true, JOIN_ARRIVAL),
      runWindow(createAggregator(d1), 1, 1, 30, false, JOIN_ARRIVAL),
    ]);
    expect(d0.metrics.totals.MalformedRecords).toBe(2);
    expect(d0.logger.lines.filter((l) => l.message === 'dropped malformed telemetry records')).toHaveLength(1);

    // Both final invocations at once: the conditional writes must not lose each other's riders.
    harness.appsync.requests.length = 0;
    await Promise.all([
      createAggregator(d0)(windowEvent([], { shardId: SHARDS[0], state: s0, final: true, windowEnd: WINDOW_END })),
      createAggregator(d1)(windowEvent([], { shardId: SHARDS[1], state: s1, final: true, windowEnd: WINDOW_END })),
    ]);
    expect(d0.metrics.totals.SnapshotWrites).toBe(1);
    expect(d1.metrics.totals.SnapshotWrites).toBe(1);
    expect(d0.metrics.totals.WindowsClosed).toBe(1);
    // One board for the window, published by whichever closer found the other done.
    const latencies = [
      ...(d0.metrics.values.WindowCloseLatencyMs ?? []),
      ...(d1.metrics.values.WindowCloseLatencyMs ?? []),
    ];
    expect(latencies).toEqual([300]);
    const published = harness.appsync.requests.map((r) => r.body.variables.input);
    expect(published).toHaveLength(1);
    const complete = published.find((p) => p.entries.length === 40);
    expect(complete).toBeDefined();
    expect(complete!.entries.map((e) => ({ rank: e.rank, racerId: e.racerId, output: e.output }))).toEqual(
      referenceRanking(rides(), 30),
    );
    // Ties share a rank and the next rank skips: 20, 21, 22 tie (k, k, k, k+3); 10 and 11 tie.
    const rankOf = (id: string) => complete!.entries.find((e) => e.racerId === id)!.rank;
    const k = rankOf('rider-20');
    expect([
      rankOf('rider-21'),
      rankOf('rider-22'),
      complete!.entries[complete!.entries.findIndex((e) => e.racerId === 'rider-22') + 1]!.rank,
    ]).toEqual([k, k, k + 3]);
    expect(rankOf('rider-11')).toBe(rankOf('rider-10'));
    expect(complete!.entries.find((e) => e.racerId === 'rider-07')).toMatchObject({ name: 'Rider 7', second: 30 });
  });

  it('a second window moves riders forward, and a replayed window changes nothing', async () => {
    const d = deps();
    const run = createAggregator(d);
    const s0 = await runWindow(run, 0, 61, 120);
    await run(windowEvent([], { shardId: SHARDS[0], state: s0, final: true, windowEnd: WINDOW_END + 5000 }));
    const s1 = await runWindow(run, 1, 61, 120);
    await run(windowEvent([], { shardId: SHARDS[1], state: s1, final: true, windowEnd: WINDOW_END + 5000 }));
    const before = await harness.ddb().send(
      new QueryCommand({
        TableName: harness.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :live)',
        ExpressionAttributeValues: { ':pk': racePk(CLASS_ID, RACE_ID), ':live': LIVE_SK_PREFIX },
      }),
    );
    const last = harness.appsync.requests.at(-1)!.body.variables.input;
    expect(last.entries.map((e) => ({ rank: e.rank, racerId: e.racerId, output: e.output }))).toEqual(
      referenceRanking(rides(), 120),
    );

    // Replay: Lambda re-delivers the whole first window of shard 0 (and an old one).
    const replay = deps();
    const again = await runWindow(createAggregator(replay), 0, 61, 120);
    await createAggregator(replay)(windowEvent([], { shardId: SHARDS[0], state: again, final: true }));
    const old = await runWindow(createAggregator(replay), 0, 1, 60);
    await createAggregator(replay)(windowEvent([], { shardId: SHARDS[0], state: old, final: true }));
    const after = await harness.ddb().send(
      new QueryCommand({
        TableName: harness.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :live)',
        ExpressionAttributeValues: { ':pk': racePk(CLASS_ID, RACE_ID), ':live': LIVE_SK_PREFIX },
      }),
    );
    expect(replay.metrics.totals.SnapshotWrites).toBe(0);
    expect(after.Items).toEqual(before.Items);
    expect(after.Items?.map((i) => i.version)).toEqual([2, 2]);
  });

  it('loses nothing when DynamoDB is unavailable at a window close: the retried final invocation stores it', async () => {
    const port = await freePort(); // nothing listens there
    const down = deps({ ddb: documentClient(`http://127.0.0.1:${port}`, 1), attempts: 2 });
    const run = createAggregator(down);
    const rec = telemetry({
      raceId: RACE_ID + 1,
      classId: CLASS_ID,
      racerId: 'late-joiner',
      name: 'Late',
      second: 5,
      output: 1.5,
    });
    // The window's records arrive while DynamoDB is up (their first invocation records the window as opened).
    const windowEnd = WINDOW_END + 60_000;
    const { state } = await createAggregator(deps())(
      windowEvent([rec], { shardId: SHARDS[0], arrivalSeconds: (RACE_ID + 1) * RACE_SECONDS + 5, windowEnd }),
    );
    const final = windowEvent([], { shardId: SHARDS[0], state, final: true, windowEnd });
    await expect(run(final)).rejects.toMatchObject({ name: 'WindowCloseError' });
    expect(down.logger.lines.some((l) => l.level === 'error')).toBe(true);

    // Lambda retries the final invocation with the same state; DynamoDB is back.
    const up = deps();
    await createAggregator(up)(final);
    expect(up.metrics.totals.SnapshotWrites).toBe(1);
    const published = harness.appsync.requests.at(-1)!.body.variables.input;
    expect(published).toMatchObject({
      classId: CLASS_ID,
      raceId: RACE_ID + 1,
      entries: [{ rank: 1, racerId: 'late-joiner', name: 'Late', output: 1.5, second: 5 }],
    });
  });

  it('counts a failed publish and still stores the window (the next window publishes again)', async () => {
    const d = deps();
    harness.appsync.answers.push({
      status: 200,
      body: { errors: [{ errorType: 'Unauthorized', message: 'Not Authorized to access publishLiveRankings' }] },
    });
    const rec = telemetry({ raceId: RACE_ID + 1, classId: CLASS_ID, racerId: 'second-rider', second: 6, output: 2 });
    // A window of its own, long after the shards' last ones: nobody to wait for.
    const windowEnd = WINDOW_END + 100_000;
    const { state } = await createAggregator(d)(
      windowEvent([rec], { shardId: SHARDS[1], arrivalSeconds: (RACE_ID + 1) * RACE_SECONDS + 6, windowEnd }),
    );
    await createAggregator(d)(windowEvent([], { shardId: SHARDS[1], state, final: true, windowEnd }));
    expect(d.metrics.totals.PublishFailures).toBe(1);
    expect(d.metrics.totals.SnapshotWrites).toBe(1);
  });

  it('a container whose remembered part is stale falls back to reading it and loses nothing', async () => {
    const raceId = RACE_ID + 1;
    const arrival = raceId * RACE_SECONDS + 30;
    const at = (racerId: string, second: number, output: number) =>
      telemetry({ raceId, classId: 3, racerId, second, output });
    const a = createAggregator(deps());
    const b = createAggregator(deps());
    const shard = 'shardId-000000000003';
    const close = async (run: ReturnType<typeof createAggregator>, recs: unknown[], windowEnd: number) => {
      const { state } = await run(windowEvent(recs, { shardId: shard, arrivalSeconds: arrival, windowEnd }));
      await run(windowEvent([], { shardId: shard, state, final: true, windowEnd }));
    };
    await close(a, [at('p', 10, 5), at('q', 10, 4)], WINDOW_END + 200_000); // a remembers version 1
    await close(b, [at('q', 12, 6), at('r', 12, 1)], WINDOW_END + 205_000); // another container writes version 2
    await close(a, [at('p', 14, 7)], WINDOW_END + 210_000); // a's memory is stale: conditional put fails, it re-reads
    const last = harness.appsync.requests.at(-1)!.body.variables.input;
    expect(last.entries.map((e) => [e.racerId, e.output, e.second])).toEqual([
      ['p', 7, 14],
      ['q', 6, 12],
      ['r', 1, 12],
    ]);
  });
});
