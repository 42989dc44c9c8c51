/**
 * One complete board per race per window, against DynamoDB Local: of the
 * shards closing a window, one publishes once every shard closed it (the
 * earlier closers wait for it and skip), whatever the order, also when four
 * close at the same moment and at a race's first window; a shard with only
 * stale records, a replayed window, a shard that stops (given up after the
 * bounded wait) and a race only other shards have.
 */
import { describe, expect, it } from 'vitest';
import type { LiveRankingsInput } from '../../functions/aggregator/publishLiveRankings.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { telemetry, windowEvent } from './factories.js';
import { manualClock, useAggregatorHarness, useShardAggregators } from './support.js';
import { realSleep } from '../../functions/runtime/clock.js';
import { LIVE_BOARD } from '../../infra/settings.js';
import { readPartWatermarks, readWatermarks } from '../../functions/aggregator/shardWatermarkStore.js';
import { writeLivePart } from '../../functions/aggregator/livePartStore.js';
import { readWindowClaim } from '../../functions/aggregator/publishClaim.js';

const RACE_SECONDS = 120;
const RACE_ID = 29_000_000;
const CLASS_ID = 2;
const SHARDS = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'];
const RIDERS = 40;

/** Rider i rides on shard i % 4 at its own steady rate (riders 8 and 9 tie). */
function outputOf(rider: number, second: number): number {
  const rate = rider === 9 ? 0.2 + 8 * 0.004 : 0.2 + rider * 0.004;
  return Math.round(second * rate * 1000) / 1000;
}
const racerId = (i: number) => `rider-${String(i).padStart(2, '0')}`;

/** The contract's ranking computed independently: output desc, racerId asc, 1-2-2-4 ties. */
function referenceRanking(
  lastSecondOf: (rider: number) => number,
): Array<{ rank: number; racerId: string; output: number; second: number }> {
  const rows = Array.from({ length: RIDERS }, (_, i) => ({
    racerId: racerId(i),
    output: outputOf(i, lastSecondOf(i)),
    second: lastSecondOf(i),
  }));
  rows.sort((a, b) => b.output - a.output || (a.racerId < b.racerId ? -1 : 1));
  return rows.map((r, i) => {
    let rank = i + 1;
    for (let j = i - 1; j >= 0 && rows[j]!.output === r.output; j -= 1) rank = j + 1;
    return { rank, ...r };
  });
}

/** Start of the race's window `k` (windows are 5 s, aligned to the epoch like the race clock). */
const windowStart = (k: number) => raceStartMillis(RACE_ID, RACE_SECONDS) + k * 5000;

describe('one publisher per race per window (DynamoDB Local)', () => {
  const harness = useAggregatorHarness({ raceSeconds: RACE_SECONDS });
  const clock = manualClock(0);

  const { runs, total } = useShardAggregators(harness, clock, SHARDS.length);

  /** The records of a shard's riders for seconds from..to (the contract's seconds end at raceSeconds). */
  function records(shard: number, from: number, to: number): unknown[] {
    const out: unknown[] = [];
    for (let s = from; s <= Math.min(to, RACE_SECONDS); s += 1) {
      for (let i = shard; i < RIDERS; i += SHARDS.length) {
        out.push(
          telemetry({
            raceId: RACE_ID,
            classId: CLASS_ID,
            racerId: racerId(i),
            name: `Rider ${i}`,
            second: s,
            output: outputOf(i, s),
          }),
        );
      }
    }
    return out;
  }

  /** Delivers a shard's records of window k (one batch, during the window); returns the final invocation's event. */
  async function fold(shard: number, k: number, recs: unknown[]) {
    const end = windowStart(k) + 5000;
    // At the window's end: no record runs ahead of the race clock (core/fairPlay.ts).
    const arrivalSeconds = (windowStart(k) + 4999) / 1000;
    const { state } = await runs[shard]!(windowEvent(recs, { shardId: SHARDS[shard], arrivalSeconds, windowEnd: end }));
    return windowEvent([], { shardId: SHARDS[shard], state, final: true, windowEnd: end });
  }

  /** The window's final invocation on a shard (after its records were folded). */
  async function close(shard: number, final: Awaited<ReturnType<typeof fold>>): Promise<void> {
    clock.set(windowStart(0) + 10 * 60_000);
    await runs[shard]!(final);
  }

  /** Between two shards' final invocations of a window: each poller closes it on its own, at its own moment. */
  const STAGGER_MS = 100;

  /** The final invocations, started in the order given, STAGGER_MS apart, and run side by side as Lambda runs shards. */
  async function closeStaggered(finals: Array<{ shard: number; final: Awaited<ReturnType<typeof fold>> }>) {
    await Promise.all(
      finals.map(async ({ shard, final }, i) => {
        await realSleep(i * STAGGER_MS);
        await close(shard, final);
      }),
    );
  }

  /**
   * Window k as Lambda runs it: every shard in `order` receives its records
   * during the window, then the shards close it in that order.
   */
  async function closeInOrder(k: number, order: number[]): Promise<LiveRankingsInput[]> {
    const from = harness.appsync.requests.length;
    const finals = [];
    for (const shard of order) finals.push({ shard, final: await fold(shard, k, records(shard, 5 * k, 5 * k + 4)) });
    await closeStaggered(finals);
    return harness.appsync.requests.slice(from).map((r) => r.body.variables.input);
  }

  const ranked = (p: LiveRankingsInput) =>
    p.entries.map((e) => ({ rank: e.rank, racerId: e.racerId, output: e.output, second: e.second }));

  it("a race's first window: the shards that opened it are awaited, one complete board is published, never a partial one", async () => {
    const published = await closeInOrder(0, [0, 1, 2, 3]);
    expect(published).toHaveLength(1);
    expect(ranked(published[0]!)).toEqual(referenceRanking(() => 4));
    expect(total('LivePublishes')).toBe(1);
  });

  it.each([
    [1, [2, 0, 3, 1]],
    [2, [3, 2, 1, 0]],
    [3, [1, 3, 0, 2]],
  ])('window %i closed in the order %j: one closer publishes, the complete reference ranking', async (k, order) => {
    const counted = ['SnapshotWrites', 'PublishesSkipped', 'PublishesHeld', 'ShardsGivenUp'] as const;
    const before = counted.map(total);
    const published = await closeInOrder(k, order);
    expect(published).toHaveLength(1);
    expect(ranked(published[0]!)).toEqual(referenceRanking(() => 5 * k + 4));
    // Still exactly one write per (race, shard) per window; the other three closers waited and skipped.
    expect(counted.map((name, i) => total(name) - before[i]!)).toEqual([4, 3, 0, 0]);
    // The shards' watermarks ride on their parts: the watermark items stay as the first window left them.
    const end = windowStart(k) + 5000;
    const parts = await readPartWatermarks(harness.ddb(), harness.tableName, CLASS_ID, RACE_ID);
    expect(parts.map((m) => [m.shardId, m.closedEnd]).sort()).toEqual(SHARDS.map((s) => [s, end]));
    expect(parts.every((m) => m.races[`${CLASS_ID}:${RACE_ID}`] === end)).toBe(true);
    const items = await readWatermarks(harness.ddb(), harness.tableName);
    expect(items.filter((m) => SHARDS.includes(m.shardId)).map((m) => m.closedEnd)).toEqual(
      SHARDS.map(() => windowStart(0) + 5000),
    );
  });

  it('four shards closing the same window at the same moment: exactly one publish per window, complete', async () => {
    for (let k = 4; k < 8; k += 1) {
      const finals = await Promise.all(SHARDS.map((_, shard) => fold(shard, k, records(shard, 5 * k, 5 * k + 4))));
      const from = harness.appsync.requests.length;
      const publishesBefore = total('LivePublishes');
      await Promise.all(finals.map((final, shard) => close(shard, final)));
      const published = harness.appsync.requests.slice(from).map((r) => r.body.variables.input);
      expect(published).toHaveLength(1);
      expect(total('LivePublishes') - publishesBefore).toBe(1);
      expect(ranked(published[0]!)).toEqual(referenceRanking(() => 5 * k + 4));
    }
  });

  it('a shard whose records of the window were all stale still closes it: the board does not wait for it', async () => {
    const k = 8;
    const finals = [];
    for (const shard of [0, 1, 2])
      finals.push({ shard, final: await fold(shard, k, records(shard, 5 * k, 5 * k + 4)) });
    // Shard 3 receives only a replay of seconds it already stored: no rider moves.
    finals.push({ shard: 3, final: await fold(3, k, records(3, 5 * (k - 2), 5 * (k - 2) + 4)) });
    const from = harness.appsync.requests.length;
    await closeStaggered(finals);
    const published = harness.appsync.requests.slice(from).map((r) => r.body.variables.input);
    expect(published).toHaveLength(1);
    expect(ranked(published[0]!)).toEqual(referenceRanking((i) => (i % 4 === 3 ? 5 * (k - 1) + 4 : 5 * k + 4)));
  });

  it('a replayed final invocation writes nothing; the shard that published publishes again (a retry), another shard does not', async () => {
    const k = 9;
    const published = await closeInOrder(k, [0, 1, 2, 3]);
    expect(published).toHaveLength(1);
    // The claimant: the last closer, or one that was watching and read every shard past the window first.
    const claim = await readWindowClaim(harness.ddb(), harness.tableName);
    const claimant = SHARDS.indexOf(claim?.claimant ?? '');
    expect(claim?.windowEnd).toBe(windowStart(k) + 5000);
    expect(claimant).toBeGreaterThanOrEqual(0);
    const before = total('SnapshotWrites');
    let from = harness.appsync.requests.length;
    // Lambda retries the claimant's final invocation
    await close(claimant, await fold(claimant, k, records(claimant, 5 * k, 5 * k + 4)));
    expect(total('SnapshotWrites')).toBe(before);
    expect(harness.appsync.requests.length - from).toBe(1);
    from = harness.appsync.requests.length;
    const other = (claimant + 1) % SHARDS.length;
    await close(other, await fold(other, k, records(other, 5 * k, 5 * k + 4)));
    expect(harness.appsync.requests.length - from).toBe(0);
  });

  it('a shard that stops is waited for once, then given up: boards go on with its stored riders; when it catches up its window is published again', async () => {
    const stalled = (k: number) => referenceRanking((i) => (i % 4 === 3 ? 5 * 9 + 4 : 5 * k + 4));
    const givenUpBefore = total('ShardsGivenUp');
    // Shard 3 closed window 9 and nothing since: the closers of 10 wait for it through their polls, then give it up.
    const started = Date.now();
    const ten = await closeInOrder(10, [0, 1, 2]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIVE_BOARD.holdPolls * LIVE_BOARD.holdPollMs);
    expect(ten.map(ranked)).toEqual([stalled(10)]);
    // The first closer to give it up published; the others found the window claimed.
    const givenUp = total('ShardsGivenUp') - givenUpBefore;
    expect(givenUp).toBeGreaterThanOrEqual(1);
    // Its watermark has not moved since: the next windows do not wait for it again.
    for (const [k, order] of [
      [11, [2, 1, 0]],
      [12, [1, 0, 2]],
    ] as const) {
      const quick = Date.now();
      expect((await closeInOrder(k, [...order])).map(ranked)).toEqual([stalled(k)]);
      expect(Date.now() - quick).toBeLessThan(LIVE_BOARD.holdPolls * LIVE_BOARD.holdPollMs);
    }
    expect(total('ShardsGivenUp') - givenUpBefore).toBe(givenUp);
    // It catches up and closes window 12 after all: the board of 12 is published again, now with its riders.
    const from = harness.appsync.requests.length;
    await close(3, await fold(3, 12, records(3, 5 * 12, 5 * 12 + 4)));
    const caughtUp = harness.appsync.requests.slice(from).map((r) => r.body.variables.input);
    expect(caughtUp).toHaveLength(1);
    expect(ranked(caughtUp[0]!)).toEqual(referenceRanking(() => 5 * 12 + 4));
    // When it comes back (its records of window 13), it is awaited again and the board is complete again.
    const back = await closeInOrder(13, [3, 0, 2, 1]);
    expect(back).toHaveLength(1);
    expect(ranked(back[0]!)).toEqual(referenceRanking(() => 5 * 13 + 4));
  });

  it("a race only other shards have is published by the window's last closer", async () => {
    const k = 14;
    const OTHER_CLASS = CLASS_ID + 1;
    const solo = telemetry({ raceId: RACE_ID, classId: OTHER_CLASS, racerId: 'solo', second: 5 * k + 4, output: 1 });
    // Solo rode from the race's start (admitted then, on shard 1's part of the other class's race).
    const ddb = harness.ddb();
    await writeLivePart(
      ddb,
      harness.tableName,
      { classId: OTHER_CLASS, raceId: RACE_ID, shardId: SHARDS[1]! },
      { solo: { second: 4, output: 0.1 } },
      new Date(windowStart(1)).toISOString(),
    );
    ddb.destroy();
    const from = harness.appsync.requests.length;
    const finals = [];
    for (const shard of [1, 0, 2, 3]) {
      const recs = records(shard, 5 * k, 5 * k + 4);
      finals.push({ shard, final: await fold(shard, k, shard === 1 ? [...recs, solo] : recs) });
    }
    await closeStaggered(finals);
    const published = harness.appsync.requests.slice(from).map((r) => r.body.variables.input);
    expect(published.map((p) => p.classId).sort()).toEqual([CLASS_ID, OTHER_CLASS]);
    expect(published.find((p) => p.classId === OTHER_CLASS)!.entries.map((e) => e.racerId)).toEqual(['solo']);
  });

  it("a race's windows after its end do not wait: each closer publishes only a board that holds more", async () => {
    for (let k = 15; k < 24; k += 1) await closeInOrder(k, [0, 1, 2, 3]);
    // Window 24 starts at the race's end: the final records (second 120) arrive there; shard 3 has none.
    const published = await closeInOrder(24, [0, 1, 2]);
    expect(published).toHaveLength(3);
    expect(ranked(published.at(-1)!)).toEqual(referenceRanking((i) => (i % 4 === 3 ? 5 * 23 + 4 : RACE_SECONDS)));
    // Lambda re-delivers shard 1's last window: nothing is written, nothing newer to show, no publish.
    const from = harness.appsync.requests.length;
    await close(1, await fold(1, 24, records(1, RACE_SECONDS, RACE_SECONDS)));
    expect(harness.appsync.requests.length).toBe(from);
  });

  it("the next race's first windows wait for a shard that rode on from the last race without opening a window", async () => {
    // Races run back to back: shards 0–2 closed window 24 (the last race's last one) and go straight on.
    const next = RACE_ID + 1;
    const k = 25;
    const nextRecords = (shard: number) =>
      Array.from({ length: RIDERS / SHARDS.length }, (_, j) => shard + j * SHARDS.length).flatMap((i) =>
        [5, 6, 7, 8, 9].map((second) =>
          telemetry({ raceId: next, classId: CLASS_ID, racerId: racerId(i), second, output: outputOf(i, second) }),
        ),
      );
    const finals = [];
    for (const shard of [3, 0, 1, 2]) finals.push({ shard, final: await fold(shard, k, nextRecords(shard)) });
    const from = harness.appsync.requests.length;
    // Shard 2 opened no window (it closed the one just before), so only its parts say it is running: it is awaited.
    await closeStaggered(finals);
    const published = harness.appsync.requests.slice(from).map((r) => r.body.variables.input);
    expect(published.filter((p) => p.raceId === next)).toHaveLength(1);
    expect(published.find((p) => p.raceId === next)!.entries).toHaveLength(RIDERS);
  });
});
