import { describe, expect, it } from 'vitest';
import { RecordFreshness } from '../../bench/recordFreshness.js';

describe('RecordFreshness (per-record freshness of the ingest benchmark)', () => {
  it('samples every second a message moves a rider over, against that second’s put', () => {
    const f = new RecordFreshness();
    for (let s = 0; s < 5; s += 1) f.putStarted(s, 1_000 * s);
    // Window [0, 5) published at 6,000: the rider's seconds 0..4 are shown at once.
    f.received(1, [{ racerId: 'a', second: 4 }], 6_000);
    expect(f.size).toBe(5);
    expect(f.percentile(100)).toBe(6_000);
    expect(f.percentile(20)).toBe(2_000);
  });

  it('adds nothing for a message that shows nothing new (a duplicate publish or a stale snapshot)', () => {
    const f = new RecordFreshness();
    f.putStarted(0, 0);
    f.putStarted(1, 1_000);
    f.received(1, [{ racerId: 'a', second: 1 }], 2_000);
    f.received(1, [{ racerId: 'a', second: 1 }], 9_000);
    f.received(1, [{ racerId: 'a', second: 0 }], 9_500);
    expect(f.size).toBe(2);
    expect(f.percentile(100)).toBe(2_000);
  });

  it('keeps riders of different classes apart, and counts seconds whose put it never heard of', () => {
    const f = new RecordFreshness();
    f.putStarted(0, 0);
    f.received(1, [{ racerId: 'a', second: 0 }], 500);
    f.received(2, [{ racerId: 'a', second: 1 }], 700);
    expect(f.size).toBe(2);
    expect(f.unknownPutSeconds).toBe(1);
  });

  it('dates each rider’s record by the put of the group that rider sends with', () => {
    // Riders a and b send at the start of each second, rider c half a second later.
    const f = new RecordFreshness(16, (_classId, racerId) => (racerId === 'c' ? 1 : 0));
    for (let s = 0; s < 2; s += 1) {
      f.putStarted(s, 1_000 * s, 0);
      f.putStarted(s, 1_000 * s + 500, 1);
    }
    f.received(
      1,
      [
        { racerId: 'a', second: 1 },
        { racerId: 'c', second: 1 },
      ],
      3_000,
    );
    expect(f.size).toBe(4);
    // a: 3,000 and 2,000; c: 2,500 and 1,500.
    expect(f.percentile(25)).toBe(1_500);
    expect(f.percentile(50)).toBe(2_000);
    expect(f.percentile(75)).toBe(2_500);
    expect(f.percentile(100)).toBe(3_000);
    expect(f.putStartOf(1)).toBe(1_000);
  });

  it('grows past its initial capacity and refuses a percentile of nothing', () => {
    const f = new RecordFreshness(16);
    expect(() => f.percentile(95)).toThrow(RangeError);
    for (let s = 0; s < 100; s += 1) f.putStarted(s, s);
    f.received(1, [{ racerId: 'a', second: 99 }], 1_000);
    expect(f.size).toBe(100);
    // Samples 901..1,000; the 50th of 100 by nearest rank.
    expect(f.percentile(50)).toBe(950);
  });
});

describe('RecordFreshness over every record put (a record never shown counts as +∞)', () => {
  it('ranks the records never shown last, so the percentile can only get worse with losses', () => {
    const f = new RecordFreshness();
    for (let s = 0; s < 10; s += 1) f.putStarted(s, 1_000 * s);
    // Seconds 0..8 shown at 10,000 ms (freshness 10,000 down to 2,000); second 9 never shown.
    f.received(1, [{ racerId: 'a', second: 8 }], 10_000);
    expect(f.missed(10)).toBe(1);
    expect(f.percentileOfAll(90, 10)).toBe(10_000);
    expect(f.percentileOfAll(95, 10)).toBe(Infinity);
    expect(f.percentileOfAll(50, 10)).toBe(6_000);
    // The samples alone would hide the loss.
    expect(f.percentile(95)).toBe(10_000);
  });

  it('equals the samples’ percentile when nothing was missed, and is +∞ when nothing was shown', () => {
    const f = new RecordFreshness();
    for (let s = 0; s < 4; s += 1) f.putStarted(s, 1_000 * s);
    expect(f.percentileOfAll(95, 4)).toBe(Infinity);
    expect(f.missed(4)).toBe(4);
    f.received(1, [{ racerId: 'a', second: 3 }], 5_000);
    expect(f.missed(4)).toBe(0);
    expect(f.percentileOfAll(95, 4)).toBe(f.percentile(95));
    expect(f.percentileOfAll(50, 4)).toBe(f.percentile(50));
  });

  it('does not count a record shown before its put was reported as missed (undated: ranked +∞)', () => {
    const f = new RecordFreshness();
    f.putStarted(0, 0);
    f.received(1, [{ racerId: 'a', second: 1 }], 1_500);
    expect(f.unknownPutSeconds).toBe(1);
    expect(f.missed(2)).toBe(0);
    expect(f.percentileOfAll(50, 2)).toBe(1_500);
    expect(f.percentileOfAll(100, 2)).toBe(Infinity);
  });
});
