import { describe, expect, it } from 'vitest';
import { buildResultItem } from '../../core/resultItem.js';
import { judgeFinals } from '../../functions/finalizer/judgeFinals.js';
import { summarizeResults } from '../../core/raceSummary.js';
import { closingHorizon, closingResults, dueRaces, quietRaces } from '../../functions/finalizer/raceClosing.js';
import { chunk } from '../../lib/concurrency.js';
import { rankKey, racerPk, resultKey } from '../../core/keys.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import type { LiveRiders } from '../../core/livePart.js';

const tel = (racerId: string, output: number, event: 'update' | 'final' = 'final', name?: string): TelemetryRecord => ({
  raceId: 100,
  classId: 2,
  racerId,
  second: event === 'final' ? 300 : 120,
  power: 250,
  output,
  event,
  deviceTimestamp: 1,
  ...(name === undefined ? {} : { name }),
});

describe('finalizer core: result items', () => {
  it('builds the agreed item with both index keys', () => {
    const item = buildResultItem({
      classId: 2,
      raceId: 100,
      racerId: 'r1',
      name: 'Ria',
      output: 80.5,
      lastSecond: 300,
      finished: true,
    });
    expect(item).toEqual({
      PK: resultKey(2, 100, 'r1').PK,
      SK: 'RESULT#r1',
      itemType: 'Result',
      classId: 2,
      raceId: 100,
      racerId: 'r1',
      name: 'Ria',
      output: 80.5,
      lastSecond: 300,
      finished: true,
      GSI1PK: resultKey(2, 100, 'r1').PK,
      GSI1SK: rankKey(80.5, 'r1'),
      GSI2PK: racerPk('r1'),
      GSI2SK: 'RESULT#000000000100#2',
    });
  });

  it('keeps the first valid final per rider, merging replays and counting different ones', () => {
    // Race 100 of 300 s ends at 30,300,000 ms; every record arrives just after its end.
    const at = 101 * 300_000 + 1000;
    const out = judgeFinals(
      [
        { sequenceNumber: '1', record: tel('a', 50), arrivalMillis: at },
        { sequenceNumber: '2', record: tel('b', 40, 'update'), arrivalMillis: at },
        { sequenceNumber: '3', record: tel('a', 50), arrivalMillis: at },
        { sequenceNumber: '4', record: tel('c', 10, 'final', 'Cy'), arrivalMillis: at },
        { sequenceNumber: '5', record: tel('a', 70), arrivalMillis: at },
      ],
      300,
    );
    expect(out.candidates.map((f) => [f.final.racerId, f.final.output, f.sequenceNumbers, f.conflicting])).toEqual([
      ['a', 50, ['1', '3'], true],
      ['c', 10, ['4'], false],
    ]);
    expect([out.refused, out.conflicts]).toEqual([0, 1]);
  });

  it('refuses finals ahead of the clock or before the last second', () => {
    const start = 100 * 300_000;
    const early = { ...tel('e', 10), second: 120 };
    const out = judgeFinals(
      [
        { sequenceNumber: '1', record: tel('a', 50), arrivalMillis: start + 1000 },
        { sequenceNumber: '2', record: early, arrivalMillis: start + 200_000 },
        { sequenceNumber: '3', record: tel('l', 50), arrivalMillis: start + 316_000 },
        { sequenceNumber: '4', record: tel('k', 50), arrivalMillis: start + 298_000 },
      ],
      300,
    );
    // 298 s + 2 s of tolerance reaches second 300: k is on time; l, late, is for the close to judge.
    expect(out.candidates.map((c) => c.final.racerId)).toEqual(['l', 'k']);
    expect(out.refused).toBe(2);
  });

  it('splits writes into BatchWriteItem calls of at most 25', () => {
    const sizes = chunk(
      Array.from({ length: 60 }, (_, i) => i),
      25,
    ).map((c) => c.length);
    expect(sizes).toEqual([25, 25, 10]);
  });
});

describe('finalizer core: closing races', () => {
  it('closes a race only once its slot plus the grace period has passed', () => {
    const open = [
      { classId: 1, raceId: 10 },
      { classId: 1, raceId: 11 },
    ];
    const end10 = 11 * 300_000;
    expect(dueRaces(open, end10 + 14_999, 300, 15)).toEqual([]);
    expect(dueRaces(open, end10 + 15_000, 300, 15)).toEqual([{ classId: 1, raceId: 10 }]);
  });

  it('makes every rider result at the close: a valid final, else the live data, with flags', () => {
    const parts: LiveRiders[] = [
      { a: { output: 30, second: 200, name: 'Al' }, b: { output: 59.8, second: 299 } },
      { c: { output: 5, second: 40, flags: 1 }, d: { output: 10, second: 299 } },
    ];
    const final = (racerId: string, output: number, extra = {}) => ({
      classId: 1,
      raceId: 10,
      racerId,
      output,
      second: 300,
      power: 250,
      ...extra,
    });
    const items = closingResults({ classId: 1, raceId: 10 }, parts, [
      final('b', 60.05),
      final('d', 900, { power: 3000 }),
      final('e', 12, { conflicting: true }),
    ]);
    expect(items.map((i) => [i.racerId, i.output, i.lastSecond, i.finished, i.flags])).toEqual([
      ['a', 30, 200, false, undefined],
      ['b', 60.05, 300, true, undefined],
      ['c', 5, 40, false, ['AHEAD_OF_CLOCK']],
      // 890 kJ in one second: the final is refused, the live data is the result.
      ['d', 10, 299, false, ['OUTPUT_TOO_FAST']],
      ['e', 12, 300, true, ['CONFLICTING_FINAL']],
    ]);
  });

  it('summarizes the results: competitors, finishers, winner with ties by racerId', () => {
    const s = summarizeResults([
      { racerId: 'z', output: 90, finished: true, name: 'Zed' },
      { racerId: 'm', output: 90, finished: true, name: 'Em' },
      { racerId: 'q', output: 20, finished: false },
    ]);
    expect(s).toEqual({ competitors: 3, finishers: 2, winnerRacerId: 'm', winnerName: 'Em', bestOutput: 90 });
    expect(summarizeResults([])).toBeNull();
  });
});

describe('finalizer core: quiet races (the scheduled close)', () => {
  it('takes races no finalizer has read a record of for the quiet period, and markers that do not say', () => {
    const open = [
      { classId: 1, raceId: 10, lastRecordAt: 70_000 },
      { classId: 1, raceId: 11, lastRecordAt: 70_001 },
      { classId: 2, raceId: 10 },
    ];
    expect(quietRaces(open, 100_000, 30_000)).toEqual([open[0], open[2]]);
  });
});

describe('finalizer core: the closing horizon (shard positions)', () => {
  const hold = { quietMs: 5_000, busyMs: 60_000 };
  it('is the lowest position among shards that hold closes, never past the clock', () => {
    const now = 1_000_000;
    expect(closingHorizon([], now, hold)).toBe(now);
    const positions = [
      { shardId: 'a', position: now - 2_000, seenAt: now - 1_000, busy: false },
      { shardId: 'b', position: now - 9_000, seenAt: now - 4_999, busy: false }, // just read: may be invoked again
      { shardId: 'c', position: now - 500_000, seenAt: now - 5_000, busy: false }, // quiet: nothing left to read
      { shardId: 'd', position: now - 30_000, seenAt: now - 59_999, busy: true }, // a long invocation still running
      { shardId: 'e', position: now - 400_000, seenAt: now - 60_000, busy: true }, // died mid-invocation
      { shardId: 'f', position: now - 400_000, seenAt: now + 60_000, busy: false }, // a clock skew ahead: ignored
    ];
    expect(closingHorizon(positions, now, hold)).toBe(now - 30_000);
    expect(closingHorizon(positions.slice(0, 3), now, hold)).toBe(now - 9_000);
    expect(closingHorizon([{ shardId: 'a', position: now + 5_000, seenAt: now, busy: false }], now, hold)).toBe(now);
  });
});
