import { describe, expect, it } from 'vitest';
import type { ShardWatermark } from '../../core/shardWatermark.js';
import { awaitedShards, mergeWatermarks, racesNamed, racesOfWindow, rememberRaces } from '../../core/shardWatermark.js';

const W = 5000;
const window = { start: 100_000, end: 105_000 };
const mark = (
  shardId: string,
  closedEnd?: number,
  openStart?: number,
  races: Record<string, number> = {},
): ShardWatermark => ({
  shardId,
  closedEnd,
  openStart,
  races,
});

describe('awaitedShards', () => {
  it('waits for a shard that closed the window before, not for one past this window, nor for itself', () => {
    const marks = [mark('me', 105_000), mark('behind', 100_000), mark('done', 105_000), mark('ahead', 110_000)];
    expect(awaitedShards(marks, 'me', window, 2 * W)).toEqual(['behind']);
  });

  it('waits for a shard that opened this window (or one within the wait) and has not closed it', () => {
    expect(awaitedShards([mark('waking', 40_000, 100_000)], 'me', window, 2 * W)).toEqual(['waking']);
    expect(awaitedShards([mark('fresh', undefined, 100_000)], 'me', window, 2 * W)).toEqual(['fresh']);
    // Opened a later window only: it had nothing in this one (windows of a shard close in order).
    expect(awaitedShards([mark('later', 40_000, 105_000)], 'me', window, 2 * W)).toEqual([]);
  });

  it('gives a shard up once its last close or open is `waitMs` or more before the window', () => {
    expect(awaitedShards([mark('b', 95_000)], 'me', window, 2 * W)).toEqual(['b']);
    expect(awaitedShards([mark('b', 90_000)], 'me', window, 2 * W)).toEqual([]);
    expect(awaitedShards([mark('b', 40_000, 90_000)], 'me', window, 2 * W)).toEqual([]);
    expect(awaitedShards([mark('never')], 'me', window, 2 * W)).toEqual([]);
  });
});

describe('racesOfWindow and rememberRaces', () => {
  it('publishes the races any shard closed in this window or a later one', () => {
    const marks = [
      mark('a', 105_000, undefined, { '1:9': 105_000, '2:9': 95_000 }),
      mark('b', 110_000, undefined, { '3:9': 110_000 }),
    ];
    expect(racesOfWindow(marks, window)).toEqual(['1:9', '3:9']);
  });

  it('keeps the races of recent windows at their latest window and forgets older ones', () => {
    expect(rememberRaces({ '1:9': 100_000, '2:8': 80_000 }, ['3:9', '1:9'], window, 2 * W)).toEqual({
      '1:9': 105_000,
      '3:9': 105_000,
    });
  });
});

describe('mergeWatermarks and racesNamed', () => {
  it("takes each shard's newest close and open, and each race at its latest end, from the item and its parts", () => {
    const item = mark('a', 60_000, 55_000, { '1:9': 60_000, '2:9': 60_000 });
    const partOf19 = mark('a', 105_000, undefined, { '1:9': 105_000, '2:9': 100_000 });
    const older = mark('a', 100_000, undefined, { '2:9': 100_000 });
    const other = mark('b', 100_000, undefined, { '1:9': 100_000 });
    const merged = mergeWatermarks([item, partOf19, older, other]);
    expect(merged).toEqual([
      mark('a', 105_000, 55_000, { '1:9': 105_000, '2:9': 100_000 }),
      mark('b', 100_000, undefined, { '1:9': 100_000 }),
    ]);
    // The pieces are not changed.
    expect(item.races).toEqual({ '1:9': 60_000, '2:9': 60_000 });
    // A shard seen only on a part is past this window; one seen only on its old item is not.
    expect(awaitedShards(merged, 'c', window, 2 * W)).toEqual(['b']);
    expect(racesNamed(merged)).toEqual(['1:9', '2:9']);
  });
});
