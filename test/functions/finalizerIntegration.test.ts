/** The finalizer against DynamoDB Local: results, a rider who never finishes, race summaries, replays. */
import { describe, expect, it } from 'vitest';
import { createFinalizer, UnsupportedEventError } from '../../functions/finalizer/finalizer.js';
import type { FinalizerDeps } from '../../functions/finalizer/finalizer.js';
import { writeLivePart } from '../../functions/aggregator/livePartStore.js';
import { claimRaceClose, listOpenRaces, touchOpenRace } from '../../functions/finalizer/raceStore.js';
import { closeRace } from '../../functions/finalizer/closeRace.js';
import { writeShardPosition } from '../../functions/finalizer/shardPositions.js';
import { openRaceKey, pendingFinalKey, raceKey, racePk, rankingHeadKey, resultKey } from '../../core/keys.js';
import { decodeHeadEntries } from '../../core/rankingHead.js';
import type { LiveRiders } from '../../core/livePart.js';
import { readItem } from '../support/readItem.js';
import { raceShardItems } from '../support/shardedReads.js';
import { raceEndMillis } from '../../core/raceClock.js';
import { freePort } from '../../local/emulators/freePort.js';
import { useTestTable } from '../support/useTestTable.js';
import { kinesisEvent, telemetry } from './factories.js';
import { recordingLogger, recordingMetrics } from './fakes.js';
import { documentClient, manualClock, noSleep } from './support.js';

const RS = 300;
const GRACE = 15;

describe('finalizer against DynamoDB Local', () => {
  const table = useTestTable();

  function deps(clockAt: number, overrides: Partial<FinalizerDeps> = {}) {
    const metrics = recordingMetrics();
    const logger = recordingLogger();
    const clock = manualClock(clockAt);
    const d: FinalizerDeps = {
      ddb: documentClient(table.endpoint),
      tableName: table.tableName,
      raceSeconds: RS,
      graceSeconds: GRACE,
      logger,
      metrics,
      clock,
      sleep: noSleep,
      closeCheckIntervalMs: 0,
      ...overrides,
    };
    return { d, metrics, logger, clock };
  }

  /** The aggregator's live part of one shard of a race (shard s0 unless named), as written at `at` (ms). */
  async function livePart(ref: { classId: number; raceId: number; shardId?: string }, riders: LiveRiders, at: number) {
    await writeLivePart(
      documentClient(table.endpoint),
      table.tableName,
      { shardId: 's0', ...ref },
      riders,
      new Date(at).toISOString(),
    );
  }

  /** One invocation, its clock at `clockAt`, reading `records` that reached the stream at `arrivedAt` (ms). */
  function readRecords(clockAt: number, records: unknown[], arrivedAt = clockAt) {
    return createFinalizer(deps(clockAt).d)(kinesisEvent(records, { arrivalSeconds: arrivedAt / 1000 }));
  }

  async function raceItems(classId: number, raceId: number) {
    return raceShardItems(documentClient(table.endpoint), table.tableName, classId, raceId);
  }
  function get(key: { PK: string; SK: string }) {
    return readItem(documentClient(table.endpoint), table.tableName, key);
  }

  it('writes results from finals, a not-finished result for riders who never finish, then the summary', async () => {
    const classId = 2;
    const raceId = 6_000_000;
    const during = raceId * RS * 1000 + 299_000;
    const arrival = during / 1000;
    // The aggregator's last live parts (two shards).
    await livePart(
      { classId, raceId },
      {
        a: { output: 90, second: 300, name: 'Ann' },
        d: { output: 40.5, second: 170, name: 'Dee' },
      },
      during,
    );
    await livePart(
      { classId, raceId, shardId: 's1' },
      {
        b: { output: 95, second: 299 },
        c: { output: 90, second: 299 },
        e: { output: 12, second: 60 },
      },
      during,
    );

    const fin = (racerId: string, output: number, name?: string) =>
      telemetry({ raceId, classId, racerId, second: RS, output, event: 'final', ...(name ? { name } : {}) });
    const batch = kinesisEvent(
      [
        fin('a', 90, 'Ann'),
        fin('b', 96, 'Bea'),
        telemetry({ raceId, classId, racerId: 'e', second: 61, output: 12.2 }),
        fin('c', 90),
        'garbage',
        fin('a', 90, 'Ann'),
      ],
      { arrivalSeconds: arrival },
    );
    const first = deps(during);
    expect(await createFinalizer(first.d)(batch)).toEqual({ batchItemFailures: [] });
    // Finals are kept as pending finals (first wins); results are written when the race closes.
    expect(first.metrics.totals).toMatchObject({ FinalsStored: 3, MalformedRecords: 1 });
    expect((await raceItems(classId, raceId)).filter((i) => i.itemType === 'Result')).toEqual([]);
    expect(await get(openRaceKey(classId, raceId))).toMatchObject({ itemType: 'OpenRace', classId, raceId });
    const afterFirst = await raceItems(classId, raceId);

    // A replayed batch changes nothing.
    await createFinalizer(deps(during).d)(batch);
    expect(await raceItems(classId, raceId)).toEqual(afterFirst);

    // Not yet due at end + grace - 1 ms: nothing closes.
    const end = raceEndMillis(raceId, RS);
    const early = deps(end + GRACE * 1000 - 1);
    await createFinalizer(early.d)(kinesisEvent([], {}));
    expect(await get(raceKey(classId, raceId))).toBeUndefined();

    // Due: the next race's records trigger the check.
    const due = deps(end + GRACE * 1000);
    const next = kinesisEvent([telemetry({ raceId: raceId + 1, classId, racerId: 'a', second: 15, output: 3 })], {
      arrivalSeconds: (end + 15_000) / 1000,
    });
    await createFinalizer(due.d)(next);
    const results = (await raceItems(classId, raceId)).filter((i) => i.itemType === 'Result');
    expect(results.map((r) => [r.racerId, r.output, r.finished, r.lastSecond, r.name ?? null]).sort()).toEqual([
      ['a', 90, true, 300, 'Ann'],
      ['b', 96, true, 300, 'Bea'],
      ['c', 90, true, 300, null],
      ['d', 40.5, false, 170, 'Dee'],
      ['e', 12, false, 60, null],
    ]);
    expect(due.metrics.totals).toMatchObject({ RacesClosed: 1, NotFinishedResults: 2 });
    const summary = await get(raceKey(classId, raceId));
    expect(summary).toMatchObject({
      itemType: 'Race',
      classId,
      raceId,
      competitors: 5,
      finishers: 3,
      winnerRacerId: 'b',
      winnerName: 'Bea',
      bestOutput: 96,
    });
    expect(typeof summary?.closedAt).toBe('string');
    expect(await get(openRaceKey(classId, raceId))).toBeUndefined();
    // The race's head: its results in ranking order with their ranks (ties share one), the whole race.
    const head = await get(rankingHeadKey(racePk(classId, raceId)));
    expect(head).toMatchObject({ itemType: 'RankingHead', more: false });
    expect(decodeHeadEntries(head?.entries).map((e) => [e.racerId, e.rank, e.position, e.output, e.finished])).toEqual([
      ['b', 1, 1, 96, true],
      ['a', 2, 2, 90, true],
      ['c', 2, 3, 90, true],
      ['d', 4, 4, 40.5, false],
      ['e', 5, 5, 12, false],
    ]);

    // A final of d after the race closed is refused and counted: a closed race's results never change.
    const late = deps(end + 20_000);
    await createFinalizer(late.d)(kinesisEvent([fin('d', 41, 'Dee')], { arrivalSeconds: (end + 20_000) / 1000 }));
    expect(late.metrics.totals).toMatchObject({ LateFinalsRefused: 1 });
    expect(await get(resultKey(classId, raceId, 'd'))).toMatchObject({ finished: false, output: 40.5 });
    expect(await get(raceKey(classId, raceId))).toMatchObject({
      competitors: 5,
      finishers: 3,
      closedAt: summary?.closedAt,
    });
  });

  it('two finalizer shards closing the same race at once end in the same items', async () => {
    const classId = 3;
    const raceId = 6_000_100;
    const during = raceId * RS * 1000 + 100_000;
    await livePart(
      { classId, raceId },
      {
        x: { output: 30, second: 100 },
        y: { output: 31, second: 100 },
        z: { output: 32, second: 100, name: 'Zo' },
      },
      during,
    );
    // A final arrives at the race's end (one sent earlier would be ahead of the race clock).
    await readRecords(
      during,
      [telemetry({ raceId, classId, racerId: 'x', second: RS, output: 80, event: 'final' })],
      raceEndMillis(raceId, RS),
    );
    const due = raceEndMillis(raceId, RS) + GRACE * 1000;
    const one = deps(due);
    const two = deps(due);
    await Promise.all([createFinalizer(one.d)(kinesisEvent([])), createFinalizer(two.d)(kinesisEvent([]))]);
    const items = await raceItems(classId, raceId);
    expect(items.filter((i) => i.itemType === 'Result').map((i) => [i.racerId, i.finished])).toEqual([
      ['x', true],
      ['y', false],
      ['z', false],
    ]);
    expect((one.metrics.totals.NotFinishedResults ?? 0) + (two.metrics.totals.NotFinishedResults ?? 0)).toBe(2);
    expect(await get(raceKey(classId, raceId))).toMatchObject({
      competitors: 3,
      finishers: 1,
      winnerRacerId: 'x',
      bestOutput: 80,
    });
  });

  it('of several shards finding the same races due at once, one closes each race and the others skip it', async () => {
    const classId = 4;
    const raceIds = [6_000_500, 6_000_501, 6_000_502];
    for (const raceId of raceIds) {
      const during = raceId * RS * 1000 + 100_000;
      await livePart(
        { classId, raceId },
        {
          k: { output: 20, second: 100 },
          m: { output: 21, second: 100 },
        },
        during,
      );
      // Stored while the first race still runs, so that none of them is closed yet.
      await readRecords(
        raceIds[0]! * RS * 1000,
        [telemetry({ raceId, classId, racerId: 'k', second: RS, output: 60, event: 'final' })],
        raceEndMillis(raceId, RS),
      );
    }
    const due = raceEndMillis(raceIds[2]!, RS) + GRACE * 1000;
    const shards = [deps(due), deps(due), deps(due), deps(due)];
    await Promise.all(shards.map((s) => createFinalizer(s.d)(kinesisEvent([]))));
    // Each race closed once in all: one summary, one not-finished result per race, no repeated work.
    const closedPerShard = shards.map((s) => s.metrics.totals.RacesClosed ?? 0);
    expect(closedPerShard.reduce((a, b) => a + b, 0)).toBe(raceIds.length);
    expect(shards.reduce((n, s) => n + (s.metrics.totals.NotFinishedResults ?? 0), 0)).toBe(raceIds.length);
    for (const raceId of raceIds) {
      expect(await get(raceKey(classId, raceId))).toMatchObject({
        competitors: 2,
        finishers: 1,
        winnerRacerId: 'k',
        bestOutput: 60,
      });
      expect(await get(openRaceKey(classId, raceId))).toBeUndefined();
    }
  });

  it('an invocation with records closes one due race, and the next invocation looks again at once for the others', async () => {
    const classId = 3;
    const raceIds = [6_000_800, 6_000_801];
    for (const raceId of raceIds) {
      const during = raceId * RS * 1000 + 100_000;
      await livePart({ classId, raceId }, { j: { output: 30, second: 100 } }, during);
      await readRecords(
        raceIds[0]! * RS * 1000,
        [telemetry({ raceId, classId, racerId: 'j', second: 100, output: 30 })],
        during,
      );
    }
    const due = raceEndMillis(raceIds[1]!, RS) + GRACE * 1000;
    // A long check interval: only "more races are due" makes the second invocation look again.
    const shard = deps(due, { closeCheckIntervalMs: 60_000 });
    const finalizer = createFinalizer(shard.d);
    await finalizer(kinesisEvent([], { arrivalSeconds: due / 1000 }));
    expect(shard.metrics.totals.RacesClosed).toBe(1);
    await finalizer(kinesisEvent([], { arrivalSeconds: due / 1000 }));
    expect(shard.metrics.totals.RacesClosed).toBe(2);
    for (const raceId of raceIds) {
      expect(await get(raceKey(classId, raceId))).toMatchObject({ competitors: 1, finishers: 0, winnerRacerId: 'j' });
      expect(await get(openRaceKey(classId, raceId))).toBeUndefined();
    }
    // Nothing left: the third invocation waits for the check interval again (no listing, nothing closed).
    await finalizer(kinesisEvent([], { arrivalSeconds: due / 1000 }));
    expect(shard.metrics.totals.RacesClosed).toBe(2);
  });

  it('a claim left by a closer that died holds the race only until the claim expires', async () => {
    const classId = 6;
    const raceId = 6_000_600;
    const during = raceId * RS * 1000 + 100_000;
    await livePart({ classId, raceId }, { n: { output: 10, second: 100 } }, during);
    await readRecords(during, [telemetry({ raceId, classId, racerId: 'n', second: 100, output: 10 })]);
    const due = raceEndMillis(raceId, RS) + GRACE * 1000;
    // A closer claimed the race and died before closing it.
    expect(
      await claimRaceClose(documentClient(table.endpoint), table.tableName, { classId, raceId }, due, 60_000),
    ).toBe(true);
    const other = deps(due + 59_999);
    await createFinalizer(other.d)(kinesisEvent([]));
    expect(other.metrics.totals.RacesClosed ?? 0).toBe(0);
    expect(await get(raceKey(classId, raceId))).toBeUndefined();
    expect(await get(openRaceKey(classId, raceId))).toBeDefined();
    // Once the claim has expired, the next invocation claims and closes it.
    other.clock.set(due + 60_000);
    await createFinalizer(other.d)(kinesisEvent([]));
    expect(other.metrics.totals.RacesClosed).toBe(1);
    expect(await get(raceKey(classId, raceId))).toMatchObject({ competitors: 1, finishers: 0, winnerRacerId: 'n' });
    expect(await get(openRaceKey(classId, raceId))).toBeUndefined();
  });

  it('reports records as batch item failures when DynamoDB is unreachable, and never drops them', async () => {
    const port = await freePort();
    const raceId = 6_000_200;
    const during = raceId * RS * 1000 + 300_000 - 1;
    const down = deps(during, { ddb: documentClient(`http://127.0.0.1:${port}`, 1) });
    const event = kinesisEvent(
      [telemetry({ raceId, classId: 1, racerId: 'q', second: RS, output: 50, event: 'final' })],
      { arrivalSeconds: Math.floor(during / 1000) },
    );
    const res = await createFinalizer({ ...down.d })(event);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }]);
    expect(down.logger.lines.some((l) => l.level === 'error')).toBe(true);
    // Lambda re-delivers it once DynamoDB is back.
    expect(await createFinalizer(deps(during).d)(event)).toEqual({ batchItemFailures: [] });
    expect(await get(pendingFinalKey(1, raceId, 'q'))).toMatchObject({ output: 50, second: RS });
  });

  it('a scheduled invocation (no records) closes due races even when the stream is quiet', async () => {
    const classId = 1;
    const raceId = 6_000_300;
    const during = raceId * RS * 1000 + 200_000;
    await livePart({ classId, raceId }, { w: { output: 44, second: 200, name: 'Wyn' } }, during);
    await readRecords(during, [telemetry({ raceId, classId, racerId: 'w', second: 200, output: 44 })]);
    const due = deps(raceEndMillis(raceId, RS) + GRACE * 1000, { closeCheckIntervalMs: 60_000 });
    expect(await createFinalizer(due.d)({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toEqual({
      batchItemFailures: [],
    });
    expect(await get(raceKey(classId, raceId))).toMatchObject({
      competitors: 1,
      finishers: 0,
      winnerRacerId: 'w',
      winnerName: 'Wyn',
      bestOutput: 44,
    });
    expect(await get(resultKey(classId, raceId, 'w'))).toMatchObject({
      finished: false,
      output: 44,
      lastSecond: 200,
    });
  });

  it('a finalizer running behind its stream does not close a race whose end it has not read past', async () => {
    const classId = 5;
    const raceId = 6_000_400;
    const end = raceEndMillis(raceId, RS);
    const during = end - 10_000;
    await livePart({ classId, raceId }, { v: { output: 50, second: 290 } }, during);
    // The clock says the race is long due, but the records just read arrived before its end plus grace.
    const behind = deps(end + 120_000);
    await createFinalizer(behind.d)(
      kinesisEvent([telemetry({ raceId, classId, racerId: 'v', second: 290, output: 50 })], {
        arrivalSeconds: (end + GRACE * 1000 - 1000) / 1000,
      }),
    );
    expect(await get(raceKey(classId, raceId))).toBeUndefined();
    expect(await get(openRaceKey(classId, raceId))).toBeDefined();
    // Once it has read past end + grace, it closes the race.
    await createFinalizer(behind.d)(
      kinesisEvent([telemetry({ raceId: raceId + 1, classId, racerId: 'v', second: 20, output: 5 })], {
        arrivalSeconds: (end + GRACE * 1000 + 5000) / 1000,
      }),
    );
    expect(await get(raceKey(classId, raceId))).toMatchObject({ competitors: 1, finishers: 0 });
  });

  it('the scheduled close leaves a race alone while a finalizer behind its stream still reads its records, and closes it once they stop', async () => {
    const classId = 2;
    const raceId = 6_000_700;
    const end = raceEndMillis(raceId, RS);
    await livePart({ classId, raceId }, { u: { output: 70, second: 280 } }, end - 20_000);
    // While the race runs, a container writes the marker's lastRecordAt at most once per touch interval.
    const running = deps(end - 60_000, { touchIntervalMs: 10_000 });
    const read = createFinalizer(running.d);
    const record = (second: number) =>
      kinesisEvent([telemetry({ raceId, classId, racerId: 'u', second, output: second / 4 })], {
        arrivalSeconds: (end - (RS - second) * 1000) / 1000,
      });
    await read(record(240));
    expect(await get(openRaceKey(classId, raceId))).toMatchObject({ lastRecordAt: end - 60_000 });
    running.clock.set(end - 55_000);
    await read(record(245));
    expect(await get(openRaceKey(classId, raceId))).toMatchObject({ lastRecordAt: end - 60_000 });
    running.clock.set(end - 50_000);
    await read(record(250));
    expect(await get(openRaceKey(classId, raceId))).toMatchObject({ lastRecordAt: end - 50_000 });
    // Once the race has ended, by every batch: here a consumer 40 s behind its stream reads the race's last seconds.
    running.clock.set(end + 50_000);
    await read(record(290));
    expect(await get(openRaceKey(classId, raceId))).toMatchObject({ lastRecordAt: end + 50_000 });

    // A tick 29.999 s after the last read: the race is due by the clock, but not quiet.
    const tick = deps(end + 79_999, { quietMs: 30_000 });
    expect(await createFinalizer(tick.d)({ source: 'aws.events', 'detail-type': 'Scheduled Event' })).toEqual({
      batchItemFailures: [],
    });
    expect(tick.metrics.totals.RacesClosed ?? 0).toBe(0);
    expect(await get(raceKey(classId, raceId))).toBeUndefined();
    // The next tick, 30 s after: closed.
    const later = deps(end + 80_000, { quietMs: 30_000 });
    await createFinalizer(later.d)({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(later.metrics.totals.RacesClosed).toBe(1);
    expect(await get(raceKey(classId, raceId))).toMatchObject({ competitors: 1, finishers: 0, winnerRacerId: 'u' });
  });

  describe('shards read at different speeds', () => {
    const classId = 4;
    const fin = (raceId: number, racerId: string, output: number) =>
      telemetry({ raceId, classId, racerId, second: RS, output, event: 'final' });
    const ride = (raceId: number, racerId: string, second: number) =>
      telemetry({ raceId, classId, racerId, second, output: second / 4 });

    it('a race waits for a lagging shard to read past its end: the final that shard holds is the result', async () => {
      const raceId = 6_001_000;
      const end = raceEndMillis(raceId, RS);
      const dueAt = end + GRACE * 1000;
      const now = dueAt + 20_000;
      // Both rode from the start: the aggregator admitted them and holds their live data.
      await livePart(
        { classId, raceId, shardId: 'shard-a' },
        { fast: { output: 72.5, second: 290 }, lag: { output: 72.5, second: 290 } },
        end - 10_000,
      );
      // Shard b runs behind: it has read only up to ten seconds before the race's end.
      const lagging = deps(now);
      const b = createFinalizer(lagging.d);
      await b(kinesisEvent([ride(raceId, 'lag', 290)], { shardId: 'shard-b', arrivalSeconds: (end - 10_000) / 1000 }));
      // Shard a is past the race's end plus grace and looks for due races: b holds the close.
      const ahead = deps(now);
      await createFinalizer(ahead.d)(
        kinesisEvent([fin(raceId, 'fast', 80), ride(raceId + 1, 'fast', 10)], {
          shardId: 'shard-a',
          arrivalSeconds: (dueAt + 5000) / 1000,
        }),
      );
      expect(ahead.metrics.totals.RacesClosed ?? 0).toBe(0);
      expect(await get(raceKey(classId, raceId))).toBeUndefined();
      // b reads its rider's final, which reached the stream on time, then reads past the end: the race closes.
      await b(kinesisEvent([fin(raceId, 'lag', 75)], { shardId: 'shard-b', arrivalSeconds: (end - 500) / 1000 }));
      await b(
        kinesisEvent([ride(raceId + 1, 'lag', 5)], { shardId: 'shard-b', arrivalSeconds: (dueAt + 1000) / 1000 }),
      );
      expect(lagging.metrics.totals.LateFinalsRefused ?? 0).toBe(0);
      expect(await get(raceKey(classId, raceId))).toMatchObject({ competitors: 2, finishers: 2 });
      expect(await get(resultKey(classId, raceId, 'lag'))).toMatchObject({
        finished: true,
        output: 75,
      });
    });

    it('a quiet shard holds nothing up, a busy one holds until its timeout; the scheduled close waits like any closer', async () => {
      const raceId = 6_001_100;
      const end = raceEndMillis(raceId, RS);
      const dueAt = end + GRACE * 1000;
      const hold = { quietMs: 5_000, busyMs: 60_000 };
      await livePart({ classId, raceId, shardId: 'shard-c' }, { idle: { output: 60, second: 240 } }, end - 60_000);
      // Shard c's last invocation ended well after the race's end plus grace, positioned a minute before the end.
      const last = dueAt + 1_000;
      await createFinalizer(deps(last).d)(
        kinesisEvent([ride(raceId, 'idle', 240)], { shardId: 'shard-c', arrivalSeconds: (end - 60_000) / 1000 }),
      );
      // 4.999 s later a tick finds the race quiet, but c may still be invoked with more: not closed.
      const tick = deps(last + 4_999, { quietMs: 0, shardHold: hold });
      await createFinalizer(tick.d)({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
      expect(tick.metrics.totals.RacesClosed ?? 0).toBe(0);
      // Shard e starts an invocation on records from before the end and dies in it (busy): it holds for 60 s.
      await writeShardPosition(documentClient(table.endpoint), table.tableName, {
        shardId: 'shard-e',
        position: end - 30_000,
        seenAt: last + 1_000,
        busy: true,
      });
      const early = deps(last + 60_999, { shardHold: hold });
      await createFinalizer(early.d)(
        kinesisEvent([ride(raceId + 1, 'next', 3)], { shardId: 'shard-d', arrivalSeconds: (dueAt + 2000) / 1000 }),
      );
      expect(early.metrics.totals.RacesClosed ?? 0).toBe(0);
      // At its timeout, shard d (past the end) closes it: nothing is left to wait for.
      const other = deps(last + 61_000, { shardHold: hold });
      await createFinalizer(other.d)(
        kinesisEvent([ride(raceId + 1, 'next', 4)], { shardId: 'shard-d', arrivalSeconds: (dueAt + 3000) / 1000 }),
      );
      expect(other.metrics.totals.RacesClosed).toBe(1);
      expect(await get(raceKey(classId, raceId))).toMatchObject({ competitors: 1, winnerRacerId: 'idle' });
    });
  });

  it('refuses an event that is neither a Kinesis batch nor a Scheduled Event', async () => {
    const run = createFinalizer(deps(0).d);
    await expect(run({ source: 'aws.s3', 'detail-type': 'Object Created' } as never)).rejects.toThrow(
      UnsupportedEventError,
    );
    await expect(run({} as never)).rejects.toThrow(/Scheduled Event/);
  });

  it('a record read while a race is being closed keeps its marker (claim released), so the race is closed again with it', async () => {
    const classId = 1;
    const raceId = 6_000_800;
    const during = raceId * RS * 1000 + 200_000;
    const due = raceEndMillis(raceId, RS) + GRACE * 1000;
    await livePart({ classId, raceId }, { g: { output: 20, second: 200 }, h: { output: 25, second: 200 } }, during);
    await readRecords(during, [telemetry({ raceId, classId, racerId: 'g', second: 200, output: 20 })]);
    // A closer lists the race and claims it; meanwhile another shard reads a record of it (a final).
    const listed = (await listOpenRaces(documentClient(table.endpoint), table.tableName, classId)).find(
      (r) => r.raceId === raceId,
    );
    expect(listed).toMatchObject({ lastRecordAt: during });
    expect(await claimRaceClose(documentClient(table.endpoint), table.tableName, listed!, due, 60_000)).toBe(true);
    await touchOpenRace(documentClient(table.endpoint), table.tableName, listed!, due + 1);
    const outcome = await closeRace(
      documentClient(table.endpoint),
      table.tableName,
      listed!,
      new Date(due).toISOString(),
    );
    expect(outcome).toMatchObject({ markerDeleted: false, competitors: 2 });
    const marker = await get(openRaceKey(classId, raceId));
    expect(marker).toMatchObject({ lastRecordAt: due + 1 });
    expect(marker).not.toHaveProperty('closingUntil');
    // Without a record meanwhile, the next close deletes it.
    const again = (await listOpenRaces(documentClient(table.endpoint), table.tableName, classId)).find(
      (r) => r.raceId === raceId,
    );
    expect(
      await closeRace(documentClient(table.endpoint), table.tableName, again!, new Date(due + 5000).toISOString()),
    ).toMatchObject({ markerDeleted: true });
    expect(await get(openRaceKey(classId, raceId))).toBeUndefined();
  });

  it('a close that runs out of time leaves the rest to the next close, which ranks every result as one race', async () => {
    const classId = 2;
    const raceId = 6_000_900;
    const during = raceId * RS * 1000 + 200_000;
    const due = raceEndMillis(raceId, RS) + GRACE * 1000;
    const riders = 250;
    const live: Record<string, { output: number; second: number }> = {};
    // Every second rider alike: ranks are shared across the two closes' writes.
    for (let i = 0; i < riders; i += 1) live[`c${String(i).padStart(3, '0')}`] = { output: 10 + (i >> 1), second: 200 };
    await livePart({ classId, raceId }, live, during);
    await readRecords(during, [telemetry({ raceId, classId, racerId: 'c000', second: 200, output: 10 })]);
    const listed = (await listOpenRaces(documentClient(table.endpoint), table.tableName, classId)).find(
      (r) => r.raceId === raceId,
    );
    expect(await claimRaceClose(documentClient(table.endpoint), table.tableName, listed!, due, 60_000)).toBe(true);
    // The clock runs out once the race is read and two transactions have started.
    let reads = 0;
    const first = await closeRace(
      documentClient(table.endpoint),
      table.tableName,
      listed!,
      new Date(due).toISOString(),
      1,
      () => (reads++ < 3 ? 0 : Number.POSITIVE_INFINITY),
    );
    expect(first).toMatchObject({ complete: false, markerDeleted: false });
    expect(first.written).toBeGreaterThan(0);
    expect(first.written).toBeLessThan(riders);
    expect(await get(raceKey(classId, raceId))).toBeUndefined();
    // The claim is given up, so the next closer takes the race at once and goes on.
    const marker = await get(openRaceKey(classId, raceId));
    expect(marker).not.toHaveProperty('closingUntil');
    expect(await claimRaceClose(documentClient(table.endpoint), table.tableName, listed!, due + 1, 60_000)).toBe(true);
    const rest = await closeRace(
      documentClient(table.endpoint),
      table.tableName,
      listed!,
      new Date(due + 1).toISOString(),
    );
    expect(rest).toMatchObject({ complete: true, markerDeleted: true, competitors: riders });
    expect(first.written + rest.written).toBe(riders);
    expect(await get(raceKey(classId, raceId))).toMatchObject({ competitors: riders, winnerRacerId: 'c248' });
    const stored = (await raceShardItems(documentClient(table.endpoint), table.tableName, classId, raceId)).filter(
      (i) => i.itemType === 'Result',
    );
    expect(stored).toHaveLength(riders);
    const byRider = new Map(stored.map((r) => [String(r.racerId), r]));
    // Output 10 + ⌊i/2⌋ descending: c248 and c249 share rank 1, c246 and c247 rank 3, …, c000 and c001 rank 249.
    for (let i = 0; i < riders; i += 1) {
      const expectedRank = riders - 1 - (i - (i % 2));
      expect(byRider.get(`c${String(i).padStart(3, '0')}`), `c${i}`).toMatchObject({ rank: expectedRank });
    }
  });
});
