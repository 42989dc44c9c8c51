/**
 * Admission in the aggregator against DynamoDB Local: a race admits riders
 * first come up to the cap across shards, refuses and counts the rest,
 * keeps admitted riders riding (also when one container serves several
 * shards), admits the same riders when a final invocation is retried, closes a window Lambda ended early past 1 MB of state with the
 * cap on one shard in pages under 400 KB, and the finalizer drops the finals
 * of riders the full race did not admit; a race of 50,000 riders whose ids
 * all fall in one admission bucket keeps every link under 400 KB.
 */
import { describe, expect, it } from 'vitest';
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createAggregator } from '../../functions/aggregator/aggregator.js';
import { admitNewcomers } from '../../functions/aggregator/raceAdmissionStore.js';
import { readLiveParts } from '../../functions/aggregator/livePartReads.js';
import { raceAdmissionKey, racePk } from '../../core/keys.js';
import { ADMIT_LINK_MAX_IDS, admittedLinks } from '../../core/raceAdmission.js';
import { admittedFinals } from '../../functions/finalizer/admittedFinals.js';
import { readItem } from '../support/readItem.js';
import { raceShardItems } from '../support/shardedReads.js';
import { admittedRiderKeys, BATCH_GET_KEYS } from '../../resolvers/lib/raceAdmission.js';
import { rankRiders } from '../../core/livePart.js';
import { kinesisEvent, telemetry, windowEvent } from './factories.js';
import { manualClock, noSleep, useAggregatorHarness } from './support.js';

const RACE_SECONDS = 300;
const RACE_ID = 5_900_100;
const CLASS_ID = 2;
/** In the race's first seconds: riders join before the join cutoff (core/fairPlay.ts joinCutoffMillis). */
const ARRIVAL = RACE_ID * RACE_SECONDS + 20;
const SHARDS = ['shardId-000000000000', 'shardId-000000000001'];

function ride(racerId: string, second: number, event: 'update' | 'final' = 'update'): Record<string, unknown> {
  return telemetry({ raceId: RACE_ID, classId: CLASS_ID, racerId, second, output: second / 2, event });
}

describe('admission against DynamoDB Local', () => {
  const harness = useAggregatorHarness({ raceSeconds: RACE_SECONDS });

  it('admits first come across shards up to the cap, refuses the rest, and admitted riders keep riding', async () => {
    const deps = harness.deps(manualClock(ARRIVAL * 1000 + 10_000), { maxRiders: 5 });
    // One container serving both shards, as the local stack runs it.
    const run = createAggregator(deps);
    const window = async (shard: number, records: unknown[], end: number) => {
      const opts = { shardId: SHARDS[shard], arrivalSeconds: ARRIVAL, windowEnd: end };
      const { state } = await run(windowEvent(records, opts));
      return run(windowEvent([], { ...opts, state, final: true }));
    };
    const t0 = ARRIVAL * 1000 + 5000;
    // Shard 0: three riders; shard 1: two riders. The race is full.
    await window(0, [ride('a0', 1), ride('a1', 1), ride('a2', 1)], t0);
    await window(1, [ride('b0', 1), ride('b1', 1)], t0);
    // A flood on both shards, with the admitted riders still riding.
    const flood = (shard: number) => Array.from({ length: 50 }, (_, i) => ride(`f${shard}-${i}`, 2));
    await window(0, [...flood(0), ride('a0', 2), ride('a1', 2), ride('a2', 2)], t0 + 5000);
    await window(1, [...flood(1), ride('b0', 2), ride('b1', 2)], t0 + 5000);
    // Once the container knows the race is full, refused riders never enter the window state.
    const later = await run(
      windowEvent([...flood(0), ride('a0', 3)], {
        shardId: SHARDS[0],
        arrivalSeconds: ARRIVAL,
        windowEnd: t0 + 10_000,
      }),
    );
    expect(JSON.stringify(later.state)).not.toContain('f0-');
    await run(
      windowEvent([], {
        shardId: SHARDS[0],
        arrivalSeconds: ARRIVAL,
        windowEnd: t0 + 10_000,
        state: later.state,
        final: true,
      }),
    );
    // The second shard's admitted riders keep riding although the first shard found the race full.
    await window(1, [ride('b0', 3), ride('b1', 3)], t0 + 10_000);

    const ddb = harness.ddb();
    const live = rankRiders(await readLiveParts(ddb, harness.tableName, CLASS_ID, RACE_ID));
    expect(live.map((e) => [e.racerId, e.second]).sort()).toEqual([
      ['a0', 3],
      ['a1', 2],
      ['a2', 2],
      ['b0', 3],
      ['b1', 3],
    ]);
    const counter = await readItem(ddb, harness.tableName, raceAdmissionKey(CLASS_ID, RACE_ID));
    expect(counter).toMatchObject({ admitted: 5, cap: 5, [`r_${SHARDS[0]}`]: 3, [`r_${SHARDS[1]}`]: 2 });
    const markers = await ddb.send(
      new QueryCommand({
        TableName: harness.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
        ExpressionAttributeValues: { ':pk': racePk(CLASS_ID, RACE_ID), ':m': 'ADMIT#' },
      }),
    );
    expect((markers.Items ?? []).flatMap((i) => [...(i.racerIds as Set<string>)]).sort()).toEqual([
      'a0',
      'a1',
      'a2',
      'b0',
      'b1',
    ]);
    // Shard 0 refused its flood at window close; shard 1, which had filled the race, kept its flood out
    // of the window state, and so did shard 0 for its second flood.
    expect(deps.metrics.totals.RidersRefused).toBe(50);
    expect(deps.metrics.totals.RecordsRefused).toBe(100);

    // The finalizer keeps the finals of admitted riders only; the close writes every admitted rider's result.
    const raceEnd = (RACE_ID + 1) * RACE_SECONDS;
    const { finalize, metrics, clock } = harness.finalizer(ddb, raceEnd * 1000 + 1000);
    const res = await finalize(
      kinesisEvent([ride('a0', 300, 'final'), ride('f0-1', 300, 'final'), ride('b1', 300, 'final')], {
        shardId: SHARDS[0],
        arrivalSeconds: raceEnd,
      }),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(metrics.totals.FinalsNotAdmitted).toBe(1);
    // No record for a while: the scheduled close takes the race.
    clock.set(raceEnd * 1000 + 60_000);
    await finalize({ source: 'aws.events', 'detail-type': 'Scheduled Event' } as Parameters<typeof finalize>[0]);
    expect(metrics.totals.RacesClosed).toBe(1);
    const results = (await raceShardItems(ddb, harness.tableName, CLASS_ID, RACE_ID)).filter((i) =>
      String(i.SK).startsWith('RESULT#'),
    );
    const byRider = results.map((i) => [i.racerId, i.finished]).sort();
    expect(byRider).toEqual([
      ['a0', true],
      ['a1', false],
      ['a2', false],
      ['b0', false],
      ['b1', true],
    ]);
    ddb.destroy();
  });

  it('closes a window ended early past 1 MB of state: the cap on one shard in pages under 400 KB, the rest refused', async () => {
    const raceId = RACE_ID + 1;
    const deps = harness.deps(manualClock((ARRIVAL + 300) * 1000 + 10_000), { maxRiders: 5000 });
    const run = createAggregator(deps);
    const opts = { shardId: SHARDS[0], arrivalSeconds: ARRIVAL + 300, windowEnd: (ARRIVAL + 300) * 1000 + 5000 };
    // 6,000 riders on one shard (producers choose the racerIds, hence the shard), with the longest ids and names.
    const name = '€'.repeat(40);
    let state: unknown = {};
    for (let batch = 0; batch < 6; batch += 1) {
      const records = Array.from({ length: 1000 }, (_, i) =>
        telemetry({
          raceId,
          classId: CLASS_ID,
          racerId: `w${String(batch * 1000 + i).padStart(63, '0')}`,
          name,
          second: 5,
          output: 1,
        }),
      );
      state = (await run(windowEvent(records, { ...opts, state }))).state;
    }
    expect(Buffer.byteLength(JSON.stringify(state), 'utf8')).toBeGreaterThan(1024 * 1024);
    const closed = await run({ ...windowEvent([], { ...opts, state, final: true }), isWindowTerminatedEarly: true });
    expect(closed.batchItemFailures).toEqual([]);

    const ddb = harness.ddb();
    const pages = await ddb.send(
      new QueryCommand({
        TableName: harness.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :live)',
        ExpressionAttributeValues: { ':pk': racePk(CLASS_ID, raceId), ':live': 'LIVE#' },
        ConsistentRead: true,
      }),
    );
    expect((pages.Items ?? []).map((i) => i.SK)).toEqual([
      `LIVE#${SHARDS[0]}`,
      `LIVE#${SHARDS[0]}#1`,
      `LIVE#${SHARDS[0]}#2`,
      `LIVE#${SHARDS[0]}#3`,
      `LIVE#${SHARDS[0]}#4`,
    ]);
    for (const item of pages.Items ?? [])
      expect(Buffer.byteLength(String(item.riders), 'utf8')).toBeLessThan(400 * 1024);
    expect(rankRiders(await readLiveParts(ddb, harness.tableName, CLASS_ID, raceId))).toHaveLength(5000);
    expect(deps.metrics.totals.RidersRefused).toBe(1000);
    ddb.destroy();
  }, 120_000);

  it('a final kept while the race had room gets no result when the aggregator then refused its rider', async () => {
    const raceId = RACE_ID + 4;
    const arrival = raceId * RACE_SECONDS + 20;
    const ddb = harness.ddb();
    const raceEnd = (raceId + 1) * RACE_SECONDS;
    const { finalize, metrics, clock } = harness.finalizer(ddb, arrival * 1000 + 1000);
    const rec = (racerId: string, second: number, event: 'update' | 'final' = 'update') =>
      telemetry({ raceId, classId: CLASS_ID, racerId, second, output: second / 2, event });
    // The race has no counter yet (room for all): the finalizer keeps x's final (a replay of it at the end).
    const early = kinesisEvent([rec('x', 300, 'final')], { shardId: SHARDS[1], arrivalSeconds: raceEnd - 1 });
    expect((await finalize(early)).batchItemFailures).toEqual([]);
    expect(metrics.totals.FinalsStored).toBe(1);
    // The aggregator admits p and q, which fills the race (cap 2), then refuses x at its window's close.
    const deps = harness.deps(manualClock(arrival * 1000 + 10_000), { maxRiders: 2 });
    const run = createAggregator(deps);
    const window = async (shard: number, records: unknown[]) => {
      const opts = { shardId: SHARDS[shard], arrivalSeconds: arrival, windowEnd: arrival * 1000 + 5000 };
      const { state } = await run(windowEvent(records, opts));
      return run(windowEvent([], { ...opts, state, final: true }));
    };
    await window(0, [rec('p', 1), rec('q', 1)]);
    await window(1, [rec('x', 1)]);
    expect(deps.metrics.totals.RidersRefused).toBe(1);
    // The close gives p and q their results from the live data, and x none.
    clock.set((raceEnd + 60) * 1000);
    await finalize({ source: 'aws.events', 'detail-type': 'Scheduled Event' } as Parameters<typeof finalize>[0]);
    expect(metrics.totals.RacesClosed).toBe(1);
    expect(metrics.totals.FinalsNotAdmitted).toBe(1);
    const results = (await raceShardItems(ddb, harness.tableName, CLASS_ID, raceId)).filter((i) =>
      String(i.SK).startsWith('RESULT#'),
    );
    expect(results.map((i) => i.racerId).sort()).toEqual(['p', 'q']);
    ddb.destroy();
  });

  it('a final invocation retried after its reservation admits the same riders without counting them twice', async () => {
    const ddb = harness.ddb();
    const ref = { classId: CLASS_ID, raceId: RACE_ID + 2, shardId: SHARDS[0] as string };
    const riders = ['n0', 'n1', 'n2', 'n3'];
    // The first attempt reserves and marks, then dies before writing its page (nothing placed: used stays 0).
    const first = await admitNewcomers(ddb, harness.tableName, ref, 3, 0, riders);
    const retried = await admitNewcomers(ddb, harness.tableName, ref, 3, 0, riders);
    expect(first).toEqual({ admitted: ['n0', 'n1', 'n2'], refused: 1, full: true });
    expect(retried).toEqual(first);
    const counter = await readItem(ddb, harness.tableName, raceAdmissionKey(ref.classId, ref.raceId));
    expect(counter).toMatchObject({ admitted: 3, [`r_${ref.shardId}`]: 3 });
    ddb.destroy();
  });

  it('a race of 50,000 riders whose ids all fall in one bucket: links under 400 KB, every rider found', async () => {
    const ddb = harness.ddb();
    const cap = 50_000;
    const raceId = RACE_ID + 3;
    // The longest racerIds, all ending in the same character: every rider lands in bucket ADMIT#x.
    const id = (i: number) => `r${String(i).padStart(62, '0')}x`;
    const shards = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'];
    const windows = 5;
    const perWindow = cap / shards.length / windows;
    let next = 0;
    for (let w = 0; w < windows; w += 1) {
      await Promise.all(
        shards.map(async (shardId, s) => {
          const ids = Array.from({ length: perWindow }, (_, i) => id(next + s * perWindow + i));
          const out = await admitNewcomers(
            ddb,
            harness.tableName,
            { classId: CLASS_ID, raceId, shardId },
            cap,
            w * perWindow,
            ids,
          );
          expect(out.admitted).toHaveLength(perWindow);
        }),
      );
      next += shards.length * perWindow;
    }
    // A Query page stops at 1 MB: read on until the last.
    const links: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ddb.send(
        new QueryCommand({
          TableName: harness.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
          ExpressionAttributeValues: { ':pk': racePk(CLASS_ID, raceId), ':m': 'ADMIT#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      links.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    const stored = new Set<string>();
    for (const item of links) {
      const ids = item.racerIds as Set<string>;
      expect(ids.size).toBeLessThanOrEqual(ADMIT_LINK_MAX_IDS);
      // An item's size: its attribute names and values (a set counts the bytes of its members).
      let bytes = 0;
      for (const [name, value] of Object.entries(item)) {
        bytes += name.length + (value instanceof Set ? [...value].join('').length : String(value).length);
      }
      expect(bytes).toBeLessThan(300 * 1024);
      for (const r of ids) stored.add(r);
    }
    expect(stored.size).toBe(cap);
    expect(links.length).toBeLessThanOrEqual(admittedLinks(cap));

    // The finalizer finds every admitted rider in the links and refuses one the race did not admit.
    const finals = [id(0), id(cap - 1), id(31_337), id(cap)].map((racerId) => ({ classId: CLASS_ID, raceId, racerId }));
    const split = await admittedFinals(ddb, harness.tableName, finals, (f) => f, noSleep);
    expect(split.admitted.map((f) => f.racerId)).toEqual([id(0), id(cap - 1), id(31_337)]);
    expect(split.refused.map((f) => f.racerId)).toEqual([id(cap)]);

    // recordTelemetry reads the links the resolver names: they hold the last rider admitted.
    const record = { classId: CLASS_ID, raceId, racerId: id(cap - 1), second: 1, output: 1, power: 1, event: 'update' };
    const keys = admittedRiderKeys([record] as never, [{ classId: CLASS_ID, raceId, cap }]);
    expect(keys.length).toBe(admittedLinks(cap));
    expect(keys.length).toBeLessThanOrEqual(BATCH_GET_KEYS);
    const read = await ddb.send(
      new BatchGetCommand({
        RequestItems: {
          [harness.tableName]: { Keys: keys.map((k) => ({ PK: k.PK?.S, SK: k.SK?.S })), ConsistentRead: true },
        },
      }),
    );
    const found = (read.Responses?.[harness.tableName] ?? []).some((i) => (i.racerIds as Set<string>).has(id(cap - 1)));
    expect(found).toBe(true);
    ddb.destroy();
  }, 300_000);
});
