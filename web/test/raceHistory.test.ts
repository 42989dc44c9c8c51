import { beforeEach, describe, expect, it } from 'vitest';
import { clearHistories, ownCurve, raceHistory, recordOwnPoint, recordSnapshot } from '../src/live/raceHistory.js';
import { topSeries } from '../src/live/topSeries.js';
import { alignCurves, historyCurve } from '../src/lib/alignCurves.js';
import type { LiveRankings } from '../src/data/types.js';

function snap(second: number, riders: Array<[string, number]>): LiveRankings {
  return {
    classId: 1,
    raceId: 100,
    updatedAt: new Date().toISOString(),
    entries: riders.map(([racerId, output], i) => ({
      rank: i + 1,
      racerId,
      name: racerId.toUpperCase(),
      output,
      second,
    })),
  };
}

beforeEach(() => clearHistories());

describe('what the page saw of a race', () => {
  it('starts every rider at 0 kJ at second 0, then keeps one column per rider aligned with the snapshots', () => {
    recordSnapshot(snap(5, [['a', 1]]), 60);
    recordSnapshot(
      snap(10, [
        ['a', 2],
        ['b', 1.5],
      ]),
      60,
    );
    const h = raceHistory(1, 100);
    expect(h?.seconds).toEqual([0, 5, 10]);
    expect(h?.firstSecond).toBe(5);
    expect(h?.outputs.get('a')).toEqual([0, 1, 2]);
    expect(h?.outputs.get('b')).toEqual([0, null, 1.5]);
  });

  it('draws the race so far from the first snapshot a page receives mid-race', () => {
    const riders: Array<[string, number]> = Array.from({ length: 12 }, (_, i) => [`r${i}`, 40 - i]);
    const s = snap(150, riders);
    recordSnapshot(s, 300);
    const h = raceHistory(1, 100);
    expect(h?.seconds).toEqual([0, 150]);
    const series = topSeries(h, s.entries, null);
    expect(series).toHaveLength(10);
    expect(series[0]?.values).toEqual([0, 40]);
  });

  it('places snapshots by the race second of their data, and ignores older or repeated ones', () => {
    recordSnapshot(snap(10, [['a', 2]]), 60);
    recordSnapshot(snap(10, [['a', 2]]), 60);
    recordSnapshot(snap(6, [['a', 1]]), 60);
    expect(raceHistory(1, 100)?.seconds).toEqual([0, 10]);
  });

  it('fills in a band that arrives on its own for the same second, without changing riders already drawn', () => {
    recordSnapshot(snap(5, [['a', 1]]), 60);
    recordSnapshot(snap(10, [['a', 2]]), 60);
    // The followed rider's band of the same window comes as a second event (and repeats the top's rider).
    recordSnapshot(
      snap(10, [
        ['a', 9],
        ['z', 0.5],
      ]),
      60,
    );
    const h = raceHistory(1, 100);
    expect(h?.seconds).toEqual([0, 5, 10]);
    expect(h?.outputs.get('a')).toEqual([0, 1, 2]);
    expect(h?.outputs.get('z')).toEqual([0, null, 0.5]);
    expect(h?.names.get('z')).toBe('Z');
  });

  it('draws the top ten plus me, me in white', () => {
    const riders: Array<[string, number]> = Array.from({ length: 15 }, (_, i) => [`r${i}`, 100 - i]);
    const s = snap(20, riders);
    recordSnapshot(s, 60);
    const series = topSeries(raceHistory(1, 100), s.entries, 'r13');
    expect(series).toHaveLength(11);
    expect(series[10]?.label).toBe('14. R13');
    expect(series[10]?.color).toBe('#ffffff');
  });

  it('puts my exact curve and the winner’s observed one on one axis', () => {
    for (let s = 0; s <= 4; s += 1) recordOwnPoint(1, 100, 'me', s, s * 0.3);
    recordSnapshot(snap(2, [['w', 0.8]]), 60);
    recordSnapshot(snap(4, [['w', 1.6]]), 60);
    const h = raceHistory(1, 100);
    const mine = ownCurve(1, 100, 'me') ?? [];
    const winner = historyCurve(h?.seconds ?? [], h?.outputs.get('w'));
    const { xs, values } = alignCurves([mine, winner]);
    expect(xs).toEqual([0, 1, 2, 3, 4]);
    expect(values[1]).toEqual([0, null, 0.8, null, 1.6]);
    expect(values[0]?.[4]).toBeCloseTo(1.2);
  });
});
