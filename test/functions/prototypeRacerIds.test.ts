/**
 * The telemetry contract allows any racerId matching ^[A-Za-z0-9_-]{1,64}$, which
 * includes the names of Object.prototype's members. Riders called
 * `__proto__` or `constructor` are ranked like anyone else, through the
 * window state, the stored LivePart (DynamoDB Local) and the published
 * ranking: no rider is lost and no object's prototype is touched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createAggregator } from '../../functions/aggregator/aggregator.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { telemetry, windowEvent } from './factories.js';
import { manualClock, useAggregatorHarness } from './support.js';

const RACE_SECONDS = 60;
const RACE_ID = 29_100_000;
const CLASS_ID = 4;
const RIDERS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'plain-rider'];
const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];

describe('racerIds named like Object.prototype members', () => {
  const harness = useAggregatorHarness({ raceSeconds: RACE_SECONDS });
  let run: (shard: number, payloads: unknown[], final: boolean, state?: unknown) => Promise<unknown>;
  const clock = manualClock(0);

  beforeAll(() => {
    const aggregators = SHARDS.map(() => createAggregator(harness.deps(clock)));
    const end = raceStartMillis(RACE_ID, RACE_SECONDS) + 5000;
    run = async (shard, payloads, final, state) =>
      (
        await aggregators[shard]!(
          windowEvent(payloads, {
            shardId: SHARDS[shard],
            windowEnd: end,
            final,
            state,
            arrivalSeconds: (end - 4000) / 1000,
          }),
        )
      ).state;
  });

  it('are all ranked, with their names, across two shards', async () => {
    clock.set(raceStartMillis(RACE_ID, RACE_SECONDS) + 60_000);
    const states: unknown[] = [];
    for (const [shard] of SHARDS.entries()) {
      const mine = RIDERS.filter((_, i) => i % SHARDS.length === shard);
      const payloads = mine.flatMap((racerId, i) =>
        [1, 2, 3].map((second) =>
          telemetry({
            raceId: RACE_ID,
            classId: CLASS_ID,
            racerId,
            name: `Name ${racerId}`,
            second,
            output: Math.round(second * (0.2 + i * 0.01 + shard * 0.001) * 1000) / 1000,
          }),
        ),
      );
      states.push(await run(shard, payloads, false));
    }
    for (const [shard] of SHARDS.entries()) await run(shard, [], true, states[shard]);

    const last = harness.appsync.requests.at(-1)?.body.variables.input;
    expect(last?.entries.map((e) => e.racerId).sort()).toEqual([...RIDERS].sort());
    for (const e of last?.entries ?? []) expect(e.name).toBe(`Name ${e.racerId}`);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
