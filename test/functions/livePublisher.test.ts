/**
 * One publisher per race per window, against DynamoDB Local: of the shards
 * closing a window, the last one publishes the complete ranking (the others
 * skip), whatever the order, also when they close at the same moment; a
 * shard with only stale records, a replayed window, a shard that stops and a
 * race's last window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createAggregator } from '../../functions/aggregator/aggregator.js';
import type { LiveRankingsInput } from '../../functions/aggregator/publishLiveRankings.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { createTestTable } from '../support/resources.js';
import { telemetry, windowEvent } from './factories.js';
import { recordingMetrics } from './fakes.js';
import type { FakeAppSync } from './support.js';
import { aggregatorTestDeps, fakeAppSync, manualClock } from './support.js';

const RACE_SECONDS = 60;
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
  let endpoint: string;
  let tableName: string;
  let appsync: FakeAppSync;
  const clock = manualClock(0);

  beforeAll(async () => {
    endpoint = inject('dynamodbEndpoint');
    tableName = (await createTestTable(endpoint)).tableName;
    appsync = await fakeAppSync();
  });
  afterAll(async () => appsync.close());

  /** One aggregator container per shard, as Lambda runs them. */
  const metrics = SHARDS.map(() => recordingMetrics());
  let runs: Array<ReturnType<typeof createAggregator>> = [];
  beforeAll(() => {
    runs = metrics.map((m) =>
      createAggregator(
        aggregatorTestDeps({ endpoint, tableName, appsync, raceSeconds: RACE_SECONDS, clock }, { metrics: m }),
      ),
    );
  });

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

  /** Delivers a shard's records of window k (one batch); returns the final invocation's event. */
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

  /** Folds and closes window k on the given shards, one after another in this order. */
  async function closeInOrder(k: number, order: number[]): Promise<LiveRankingsInput[]> {
    const from = appsync.requests.length;
    for (const shard of order) await close(shard, await fold(shard, k, records(shard, 5 * k, 5 * k + 4)));
    return appsync.requests.slice(from).map((r) => r.body.variables.input);
  }

  const ranked = (p: LiveRankingsInput) =>
    p.entries.map((e) => ({ rank: e.rank, racerId: e.racerId, output: e.output, second: e.second }));
  const total = (name: string) => metrics.reduce((n, m) => n + (m.totals[name] ?? 0), 0);

  it("in a race's first window every closer publishes (no shard is behind yet); the last one has every rider", async () => {
    const published = await closeInOrder(0, [0, 1, 2, 3]);
    expect(published).toHaveLength(4);
    expect(ranked(published.at(-1)!)).toEqual(referenceRanking(() => 4));
  });

  it.each([
    [1, [2, 0, 3, 1]],
    [2, [3, 2, 1, 0]],
    [3, [1, 3, 0, 2]],
  ])(
    'window %i closed in the order %j: only the last closer publishes, the complete reference ranking',
    async (k, order) => {
      const [writesBefore, skippedBefore] = [total('SnapshotWrites'), total('PublishesSkipped')];
      const published = await closeInOrder(k, order);
      expect(published).toHaveLength(1);
      expect(ranked(published[0]!)).toEqual(referenceRanking(() => 5 * k + 4));
      // Still exactly one write per (race, shard) per window; the three earlier closers skipped.
      expect(total('SnapshotWrites') - writesBefore).toBe(4);
      expect(total('PublishesSkipped') - skippedBefore).toBe(3);
    },
  );

  it('four shards closing the same window at the same moment: each closer publishes or skips, at least one publishes, every publish is complete', async () => {
    for (let k = 4; k < 8; k += 1) {
      const finals = await Promise.all(SHARDS.map((_, shard) => fold(shard, k, records(shard, 5 * k, 5 * k + 4))));
      const from = appsync.requests.length;
      const skippedBefore = total('PublishesSkipped');
      await Promise.all(finals.map((final, shard) => close(shard, final)));
      const published = appsync.requests.slice(from).map((r) => r.body.variables.input);
      // How many publish depends on how the closers interleave; that every closer decides exactly once does not.
      expect(published.length + total('PublishesSkipped') - skippedBefore).toBe(SHARDS.length);
      expect(published.length).toBeGreaterThanOrEqual(1);
      for (const p of published) expect(ranked(p)).toEqual(referenceRanking(() => 5 * k + 4));
    }
  });

  it('a shard whose records of the window were all stale still counts as closed: the others do not wait for it', async () => {
    const k = 8;
    await closeInOrder(k, [0, 1, 2]);
    // Shard 3 receives only a replay of seconds it already stored: no rider moves, but its part records window 8.
    const before = metrics[3]!.totals.SnapshotWrites ?? 0;
    const from = appsync.requests.length;
    await close(3, await fold(3, k, records(3, 5 * (k - 2), 5 * (k - 2) + 4)));
    expect((metrics[3]!.totals.SnapshotWrites ?? 0) - before).toBe(1);
    const published = appsync.requests.slice(from).map((r) => r.body.variables.input);
    expect(published).toHaveLength(1);
    expect(ranked(published[0]!)).toEqual(referenceRanking((i) => (i % 4 === 3 ? 5 * (k - 1) + 4 : 5 * k + 4)));
  });

  it('a replayed final invocation writes nothing and publishes again when every shard has closed the window', async () => {
    const k = 9;
    await closeInOrder(k, [0, 1, 2]);
    const final = await fold(3, k, records(3, 5 * k, 5 * k + 4));
    await close(3, final);
    const before = total('SnapshotWrites');
    const from = appsync.requests.length;
    await close(3, final); // Lambda retries the final invocation with the same state
    expect(total('SnapshotWrites')).toBe(before);
    const published = appsync.requests.slice(from).map((r) => r.body.variables.input);
    expect(published).toHaveLength(1);
    expect(ranked(published[0]!)).toEqual(referenceRanking(() => 5 * k + 4));
  });

  it('a shard that stops holds publishing back for one window only; its stored riders stay in the ranking', async () => {
    const stopped = await closeInOrder(10, [0, 1, 2]); // shard 3 is at window 9: lagging, expected to close 10
    expect(stopped).toHaveLength(0);
    const next = await closeInOrder(11, [2, 1, 0]); // shard 3 is two windows behind now: inactive
    expect(next).toHaveLength(1);
    expect(ranked(next[0]!)).toEqual(referenceRanking((i) => (i % 4 === 3 ? 5 * 9 + 4 : 5 * 11 + 4)));
  });

  it("in a race's last window every closer publishes what it sees more of: a shard without records there cannot hold it back", async () => {
    await closeInOrder(11, [3]); // shard 3 comes back in window 11
    // Window 12 starts at the race's end: the final records (second 60) arrive there; shard 3 has none.
    const published = await closeInOrder(12, [0, 1, 2]);
    expect(published).toHaveLength(3);
    expect(ranked(published.at(-1)!)).toEqual(referenceRanking((i) => (i % 4 === 3 ? 5 * 11 + 4 : RACE_SECONDS)));
    // Lambda re-delivers shard 1's last window: nothing is written, nothing newer to show, no publish (publishClaim.ts).
    const from = appsync.requests.length;
    await close(1, await fold(1, 12, records(1, 60, 60)));
    expect(appsync.requests.length).toBe(from);
  });
});
