/**
 * Live boards of a sparse race, against DynamoDB Local: two riders on two
 * shards, each shard with records in some windows only. A closer that finds
 * the other shard awaited watches its watermark (waitForShards.ts): a shard
 * that shows no sign of closing the window is given up and the board is
 * published with every stored rider, since no later window may come; a
 * shard that moves while watched is behind and publishes the board itself.
 */
import { describe, expect, it } from 'vitest';
import type { LiveRankingsInput } from '../../functions/aggregator/publishLiveRankings.js';
import { realSleep } from '../../functions/runtime/clock.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { LIVE_BOARD } from '../../infra/settings.js';
import { telemetry, windowEvent } from './factories.js';
import { manualClock, useAggregatorHarness, useShardAggregators } from './support.js';

const RACE_SECONDS = 120;
const RACE_ID = 31_000_000;
const CLASS_ID = 4;
const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];
/** Rider `a` rides on shard 0, rider `b` on shard 1. */
const RIDER_OF = ['a', 'b'];

const windowStart = (k: number) => raceStartMillis(RACE_ID, RACE_SECONDS) + k * 5000;

describe('live boards of a sparse race: a closer waits for an awaited shard, then gives it up (DynamoDB Local)', () => {
  const harness = useAggregatorHarness({ raceSeconds: RACE_SECONDS });
  const clock = manualClock(0);
  const { runs, metrics, total } = useShardAggregators(harness, clock, SHARDS.length);
  const budgetMs = LIVE_BOARD.holdPolls * LIVE_BOARD.holdPollMs;

  /** The shard's rider's one record at `second`, folded into its window; returns the window's final invocation. */
  async function fold(shard: number, second: number) {
    const k = Math.floor(second / 5);
    const end = windowStart(k) + 5000;
    const record = telemetry({
      raceId: RACE_ID,
      classId: CLASS_ID,
      racerId: RIDER_OF[shard]!,
      second,
      output: second * (shard === 0 ? 0.2 : 0.25),
    });
    clock.set(end - 1);
    const { state } = await runs[shard]!(
      windowEvent([record], { shardId: SHARDS[shard], arrivalSeconds: (end - 1) / 1000, windowEnd: end }),
    );
    return windowEvent([], { shardId: SHARDS[shard], state, final: true, windowEnd: end });
  }

  async function close(shard: number, final: Awaited<ReturnType<typeof fold>>): Promise<LiveRankingsInput[]> {
    const from = harness.appsync.requests.length;
    await runs[shard]!(final);
    return harness.appsync.requests.slice(from).map((r) => r.body.variables.input);
  }

  const board = (p: LiveRankingsInput) => p.entries.map((e) => [e.racerId, e.second]);

  it("the one shard of a race's first window publishes it at once", async () => {
    const published = await close(0, await fold(0, 3));
    expect(published.map(board)).toEqual([[['a', 3]]]);
  });

  it('a rider whose only record is in a later window, on another shard: the closer waits, gives the idle shard up and publishes both riders', async () => {
    const final = await fold(1, 7);
    const started = Date.now();
    const published = await close(1, final);
    expect(Date.now() - started).toBeGreaterThanOrEqual(budgetMs);
    expect(published.map(board)).toEqual([
      [
        ['b', 7],
        ['a', 3],
      ],
    ]);
    expect([total('ShardsGivenUp'), total('PublishesHeld')]).toEqual([1, 0]);
    // Shard 0 has not moved since: the next window of shard 1 does not wait for it again.
    const quick = Date.now();
    expect((await close(1, await fold(1, 12))).map(board)).toEqual([
      [
        ['b', 12],
        ['a', 3],
      ],
    ]);
    expect(Date.now() - quick).toBeLessThan(budgetMs);
    expect(total('ShardsGivenUp')).toBe(1);
  });

  it('a watched shard that closes an earlier window is behind: the closer holds the board, and the shard publishes the boards when it closes its windows', async () => {
    const held = total('PublishesHeld');
    const publishedBefore = metrics[1]!.totals.LivePublishes;
    // Shard 0 opens a window again (its first invocation records that), so shard 1 awaits it again.
    const behind = await fold(0, 17);
    const final = await fold(1, 22);
    // While shard 1's closer watches, shard 0 closes its earlier window: it moved, and may have records in this one.
    const started = Date.now();
    const watching = close(1, final);
    await realSleep(LIVE_BOARD.holdPollMs * 2);
    const caughtUp = close(0, behind);
    await watching;
    // Shard 1 published nothing (its requests are mixed with shard 0's, which closed meanwhile).
    expect(metrics[1]!.totals.LivePublishes).toBe(publishedBefore);
    expect(Date.now() - started).toBeLessThan(budgetMs);
    expect(total('PublishesHeld') - held).toBe(1);
    // The board of its earlier window holds shard 1's newer record, stored before shard 1 held.
    expect((await caughtUp).map(board)).toEqual([
      [
        ['b', 22],
        ['a', 17],
      ],
    ]);
    // It had records in shard 1's window too, and publishes that window's board when it closes it.
    expect((await close(0, await fold(0, 24))).map(board)).toEqual([
      [
        ['b', 22],
        ['a', 24],
      ],
    ]);
    expect(total('ShardsGivenUp')).toBe(1);
  });
});
