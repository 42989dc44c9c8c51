import { describe, expect, it } from 'vitest';
import { buildResultItem } from '../../core/resultItem.js';
import { finalResults } from '../../functions/finalizer/finalResults.js';
import { summarizeResults } from '../../core/raceSummary.js';
import { dueRaces, notFinishedResults, quietRaces } from '../../functions/finalizer/raceClosing.js';
import { chunk } from '../../lib/concurrency.js';
import { rankKey, racePk, racerPk } from '../../core/keys.js';
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
      PK: racePk(2, 100),
      SK: 'RESULT#r1',
      itemType: 'Result',
      classId: 2,
      raceId: 100,
      racerId: 'r1',
      name: 'Ria',
      output: 80.5,
      lastSecond: 300,
      finished: true,
      GSI1PK: racePk(2, 100),
      GSI1SK: rankKey(80.5, 'r1'),
      GSI2PK: racerPk('r1'),
      GSI2SK: 'RESULT#000000000100#2',
    });
  });

  it('makes one item per rider from final records only, merging replays', () => {
    const out = finalResults([
      { sequenceNumber: '1', record: tel('a', 50) },
      { sequenceNumber: '2', record: tel('b', 40, 'update') },
      { sequenceNumber: '3', record: tel('a', 50) },
      { sequenceNumber: '4', record: tel('c', 10, 'final', 'Cy') },
    ]);
    expect(out.map((f) => [f.item.racerId, f.item.output, f.sequenceNumbers])).toEqual([
      ['a', 50, ['1', '3']],
      ['c', 10, ['4']],
    ]);
    // Rebuilding from the same records gives the same items: rewriting them changes nothing.
    expect(finalResults([{ sequenceNumber: '9', record: tel('a', 50) }])[0]?.item).toEqual(out[0]?.item);
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

  it('gives riders without a result a not-finished one from their last live data', () => {
    const parts: LiveRiders[] = [
      { a: { output: 30, second: 200, name: 'Al' }, b: { output: 60, second: 300 } },
      { c: { output: 5, second: 40 } },
    ];
    const items = notFinishedResults({ classId: 1, raceId: 10 }, parts, new Set(['b']));
    expect(items.map((i) => [i.racerId, i.output, i.lastSecond, i.finished, i.name])).toEqual([
      ['a', 30, 200, false, 'Al'],
      ['c', 5, 40, false, undefined],
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
