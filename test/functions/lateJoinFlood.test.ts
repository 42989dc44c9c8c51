/**
 * A flood of late joiners in the aggregator against DynamoDB Local: 200
 * honest riders join a race in time on two shards, then, mid-race, 20,000
 * distinct riders (the longest racerIds, names of 120 bytes) join it after
 * its join cutoff, in batches as Lambda delivers them, their state carried
 * between invocations as Lambda carries it (JSON). The late joiners never
 * stay in the window state — a container that closed the shard's earlier
 * windows drops their records as it folds them; a container new to the
 * shard reads the shard's part once and takes them out before the state
 * goes back — so the state stays the honest riders' size, far below
 * Lambda's 1 MB, no window ends early and no slot of the race's cap is
 * taken. The honest riders' live data is exact, a rider who joined a
 * millisecond before the cutoff keeps riding in the next windows on either
 * container, and the refusals are counted. A container whose knowledge of a
 * shard predates another container's close of the window around the cutoff
 * does not trust it: the rider that close admitted rides on.
 */
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../functions/aggregator/aggregator.js';
import { readLiveParts } from '../../functions/aggregator/livePartReads.js';
import { joinCutoffMillis } from '../../core/fairPlay.js';
import { raceAdmissionKey } from '../../core/keys.js';
import { rankRiders } from '../../core/livePart.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { MAPPINGS } from '../../infra/settings.js';
import { telemetry, windowEvent } from './factories.js';
import { readItem } from '../support/readItem.js';
import { manualClock, useAggregatorHarness } from './support.js';

const RACE_SECONDS = 300;
const RACE_ID = 5_900_500;
const CLASS_ID = 4;
const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];
const START = raceStartMillis(RACE_ID, RACE_SECONDS);
const CUTOFF = joinCutoffMillis(RACE_ID, RACE_SECONDS);
const HONEST = 200;
const FLOOD = 20_000;
/** Lambda's cap on a shard's tumbling-window state. */
const STATE_MAX_BYTES = 1024 * 1024;
/** 40 characters of 3 bytes each: the longest names the contract lets through are no smaller. */
const LONG_NAME = '€'.repeat(40);

const honestId = (i: number) => `honest-${i}`;
/** 64 characters: the longest racerId. */
const floodId = (i: number) => `late-${String(i).padStart(59, '0')}`;
const shardOf = (i: number) => SHARDS[i % SHARDS.length] as string;

/** An honest rider at 200 + i W from second 0: output exact to the joule. */
function honest(i: number, second: number): Record<string, unknown> {
  const power = 200 + i;
  return telemetry({
    raceId: RACE_ID,
    classId: CLASS_ID,
    racerId: honestId(i),
    name: i % 2 === 0 ? LONG_NAME : `Rider ${i}`,
    second,
    power,
    output: (power * second) / 1000,
  });
}

/** A late joiner with a whole race's worth of output so far, at the ceiling's power. */
function late(i: number, second: number): Record<string, unknown> {
  return telemetry({
    raceId: RACE_ID,
    classId: CLASS_ID,
    racerId: floodId(i),
    name: LONG_NAME,
    second,
    power: 3000,
    output: 1,
  });
}

describe('a flood of late joiners in the aggregator', () => {
  const harness = useAggregatorHarness({ raceSeconds: RACE_SECONDS });

  it('keeps 20,000 late joiners out of the window state on a warm and on a new container, beside 200 honest riders', async () => {
    const clock = manualClock(CUTOFF + 200_000);
    const warmDeps = harness.deps(clock);
    const warm = createAggregator(warmDeps);
    const states: Array<{ shardId: string; windowEnd: number; bytes: number; ids: string[] }> = [];

    /**
     * One window of one shard on `run`: the records in Lambda's batches, each invocation getting the
     * state the previous one returned (as JSON, as Lambda carries it), then the final invocation.
     */
    const window = async (
      run: ReturnType<typeof createAggregator>,
      shardId: string,
      arrivals: Array<[arrivalMillis: number, records: Array<Record<string, unknown>>]>,
      windowEnd: number,
    ) => {
      let state: unknown = {};
      for (const [arrival, records] of arrivals) {
        for (let from = 0; from < records.length; from += MAPPINGS.aggregator.batchSize) {
          const batch = records.slice(from, from + MAPPINGS.aggregator.batchSize);
          const res = await run(windowEvent(batch, { shardId, state, arrivalSeconds: arrival / 1000, windowEnd }));
          const json = JSON.stringify(res.state);
          const ids = Object.values(res.state.r).flatMap((riders) => Object.keys(riders));
          states.push({ shardId, windowEnd, bytes: Buffer.byteLength(json, 'utf8'), ids });
          state = JSON.parse(json) as unknown;
        }
      }
      await run(windowEvent([], { shardId, state, final: true, windowEnd }));
    };
    const honestOf = (shardId: string, second: number, skip?: number) =>
      Array.from({ length: HONEST }, (_, i) => i)
        .filter((i) => shardOf(i) === shardId && i !== skip)
        .map((i) => honest(i, second));
    const floodOf = (shardId: string, second: number) =>
      Array.from({ length: FLOOD }, (_, i) => i)
        .filter((i) => shardOf(i) === shardId)
        .map((i) => late(i, second));

    // The honest riders join at the start, but rider 0, who joins a millisecond before the cutoff, in the
    // window around it, where a late joiner arrives at the cutoff itself.
    for (const shardId of SHARDS)
      await window(warm, shardId, [[START + 5000, honestOf(shardId, 4, 0)]], START + 10_000);
    await window(
      warm,
      SHARDS[0] as string,
      [
        [CUTOFF - 1, [honest(0, 32)]],
        [CUTOFF, [late(FLOOD, 33), ...honestOf(SHARDS[0] as string, 33, 0)]],
      ],
      CUTOFF + 3000,
    );
    // A minute in, the honest riders only.
    for (const shardId of SHARDS)
      await window(warm, shardId, [[START + 60_000, honestOf(shardId, 60)]], START + 65_000);
    // Two minutes in, each shard's window brings its honest riders and 10,000 late joiners.
    const floodWindowEnd = START + 125_000;
    for (const shardId of SHARDS) {
      await window(
        warm,
        shardId,
        [[START + 120_000, [...honestOf(shardId, 120), ...floodOf(shardId, 120)]]],
        floodWindowEnd,
      );
    }
    const warmStates = states.filter((s) => s.windowEnd === floodWindowEnd);
    // 11 batches of honest riders and late joiners per shard, and not one late joiner ever in the state.
    expect(warmStates.length).toBe(SHARDS.length * 11);
    expect(warmStates.flatMap((s) => s.ids.filter((id) => id.startsWith('late-')))).toEqual([]);
    const warmMax = Math.max(...warmStates.map((s) => s.bytes));
    expect(warmMax).toBeLessThan(32 * 1024);
    expect(warmDeps.metrics.totals.LateRecordsRefused).toBe(FLOOD);
    // The one at the cutoff, taken out of the first window after it (the container read the part then).
    expect(warmDeps.metrics.totals.LateJoinersRefused).toBe(1);
    expect(warmDeps.metrics.totals.RidersRefused ?? 0).toBe(0);
    expect(warmDeps.metrics.totals.FairPlayFlags ?? 0).toBe(0);

    // A container new to the shards (Lambda may run a shard's next window anywhere): the flood again.
    const coldDeps = harness.deps(clock);
    const cold = createAggregator(coldDeps);
    const coldWindowEnd = START + 130_000;
    for (const shardId of SHARDS) {
      await window(
        cold,
        shardId,
        [[START + 125_000, [...honestOf(shardId, 125), ...floodOf(shardId, 125)]]],
        coldWindowEnd,
      );
    }
    const coldStates = states.filter((s) => s.windowEnd === coldWindowEnd);
    expect(coldStates.flatMap((s) => s.ids.filter((id) => id.startsWith('late-')))).toEqual([]);
    const coldMax = Math.max(...coldStates.map((s) => s.bytes));
    expect(coldMax).toBeLessThan(32 * 1024);
    // Each shard's first batch (its 100 honest riders, then 900 late joiners) was judged against the part
    // the container read, and its late joiners taken out; every later batch as it was folded.
    const firstBatchLate = MAPPINGS.aggregator.batchSize - HONEST / SHARDS.length;
    expect(coldDeps.metrics.totals.LateJoinersRefused).toBe(SHARDS.length * firstBatchLate);
    expect(coldDeps.metrics.totals.LateRecordsRefused).toBe(FLOOD - SHARDS.length * firstBatchLate);
    console.log(
      `window state with 20,000 late joiners: warm container max ${warmMax} B, new container max ${coldMax} B ` +
        `(Lambda's cap ${STATE_MAX_BYTES} B)`,
    );

    // Both containers keep every honest rider riding, the one who joined a millisecond before the cutoff too.
    const ddb = harness.ddb();
    const live = rankRiders(await readLiveParts(ddb, harness.tableName, CLASS_ID, RACE_ID));
    expect(live.length).toBe(HONEST);
    for (let i = 0; i < HONEST; i += 1) {
      const e = live.find((x) => x.racerId === honestId(i));
      expect(e, honestId(i)).toMatchObject({ second: 125, output: ((200 + i) * 125) / 1000, flags: [] });
    }
    // The late joiners took no slot of the race's cap.
    const counter = await readItem(ddb, harness.tableName, raceAdmissionKey(CLASS_ID, RACE_ID));
    expect(counter?.admitted).toBe(HONEST);
    // No board published a late joiner.
    const published = harness.appsync.requests.flatMap((r) => r.body.variables.input?.entries ?? []);
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((e) => e.racerId.startsWith('late-'))).toEqual([]);
    ddb.destroy();
  }, 120_000);

  it('a container that read a shard before another closed its window around the cutoff reads it again', async () => {
    const raceId = RACE_ID + 1;
    const start = raceStartMillis(raceId, RACE_SECONDS);
    const cutoff = joinCutoffMillis(raceId, RACE_SECONDS);
    const shardId = SHARDS[0] as string;
    const clock = manualClock(cutoff + 60_000);
    const ride = (racerId: string, second: number) =>
      telemetry({ raceId, classId: CLASS_ID, racerId, second, power: 300, output: (300 * second) / 1000 });
    const a = createAggregator(harness.deps(clock));
    const bDeps = harness.deps(clock);
    const b = createAggregator(bDeps);
    const event = (records: unknown[], arrival: number, windowEnd: number, state: unknown = {}, final = false) =>
      windowEvent(records, { shardId, state, arrivalSeconds: arrival / 1000, windowEnd, final });
    // Ann rides from the start: container A closes her first window.
    const opening = await a(event([ride('ann', 4)], start + 4000, start + 10_000));
    await a(event([], start + 4000, start + 10_000, opening.state, true));
    // The window around the cutoff: Bo joins a millisecond before it, then Ann rides after it. Container A
    // folds both (and reads the shard's part: Ann only), but the window is closed by container B.
    const aroundEnd = cutoff + 2000;
    const first = await a(event([ride('bo', 32)], cutoff - 1, aroundEnd));
    const second = await a(event([ride('ann', 33)], cutoff + 1, aroundEnd, first.state));
    await b(event([], cutoff + 1, aroundEnd, JSON.parse(JSON.stringify(second.state)) as unknown, true));
    // The next window comes back to container A: Bo, admitted by B, rides on; a late joiner does not.
    const nextEnd = aroundEnd + 5000;
    const next = await a(event([ride('bo', 36), ride('ann', 36), ride('cy', 36)], cutoff + 3000, nextEnd));
    expect(Object.keys(next.state.r[`${CLASS_ID}:${raceId}`] ?? {}).sort()).toEqual(['ann', 'bo']);
    await a(event([], cutoff + 3000, nextEnd, next.state, true));
    const ddb = harness.ddb();
    const live = rankRiders(await readLiveParts(ddb, harness.tableName, CLASS_ID, raceId));
    expect(live.map((e) => [e.racerId, e.second])).toEqual([
      ['ann', 36],
      ['bo', 36],
    ]);
    ddb.destroy();
  }, 60_000);
});
