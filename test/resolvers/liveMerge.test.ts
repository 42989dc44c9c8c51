import { describe, expect, it } from 'vitest';
import { mergeLiveParts } from '../../resolvers/lib/liveMerge.js';

describe('mergeLiveParts', () => {
  it('returns null when the race has no live part', () => {
    expect(mergeLiveParts([])).toBeNull();
  });

  it('ranks the riders of every shard together, ties sharing a rank and ordered by racerId', () => {
    const merged = mergeLiveParts([
      {
        updatedAt: '2026-11-23T03:00:05.000Z',
        riders: { carol: { output: 12.5, second: 5, name: 'Carol' }, alice: { output: 20, second: 5 } },
      },
      {
        updatedAt: '2026-11-23T03:00:10.000Z',
        riders: { bob: { output: 12.5, second: 6, name: 'Bob' }, dave: { output: 3, second: 4 } },
      },
    ]);
    expect(merged).toEqual({
      updatedAt: '2026-11-23T03:00:10.000Z',
      entries: [
        { rank: 1, racerId: 'alice', name: null, output: 20, second: 5 },
        { rank: 2, racerId: 'bob', name: 'Bob', output: 12.5, second: 6 },
        { rank: 2, racerId: 'carol', name: 'Carol', output: 12.5, second: 5 },
        { rank: 4, racerId: 'dave', name: null, output: 3, second: 4 },
      ],
    });
  });

  it('keeps the newer second of a rider found in two parts (after a reshard)', () => {
    const merged = mergeLiveParts([
      { updatedAt: '2026-11-23T03:00:05.000Z', riders: { r1: { output: 30, second: 20 } } },
      {
        updatedAt: '2026-11-23T03:00:04.000Z',
        riders: { r1: { output: 10, second: 8 }, r2: { output: 15, second: 8 } },
      },
    ]);
    expect(merged?.entries.map((e) => [e.racerId, e.output, e.second, e.rank])).toEqual([
      ['r1', 30, 20, 1],
      ['r2', 15, 8, 2],
    ]);
  });

  it('keeps a name seen in an older part when the newer part has none', () => {
    const merged = mergeLiveParts([
      { updatedAt: 'x', riders: { r1: { output: 5, second: 2, name: 'Rae' } } },
      { updatedAt: 'x', riders: { r1: { output: 9, second: 4 } } },
    ]);
    expect(merged?.entries).toEqual([{ rank: 1, racerId: 'r1', name: 'Rae', output: 9, second: 4 }]);
  });

  it('handles a racerId that names an Object.prototype property', () => {
    const merged = mergeLiveParts([
      { updatedAt: 'x', riders: { ['__proto__']: { output: 1, second: 1 }, constructor: { output: 2, second: 1 } } },
    ]);
    expect(merged?.entries.map((e) => e.racerId)).toEqual(['constructor', '__proto__']);
  });

  it('reads the rider `__proto__` from its stored key `~__proto__` (core/keys.ts riderMapKey)', () => {
    const merged = mergeLiveParts([
      {
        updatedAt: 'x',
        riders: { '~__proto__': { output: 3, second: 2, name: 'Proto' }, toString: { output: 2, second: 2 } },
      },
    ]);
    expect(merged?.entries.map((e) => [e.racerId, e.name])).toEqual([
      ['__proto__', 'Proto'],
      ['toString', null],
    ]);
  });

  it('reads riders stored as a JSON string (as the aggregator writes them) and as a map (older parts) alike', () => {
    const merged = mergeLiveParts([
      { updatedAt: 'x', riders: JSON.stringify({ r1: [4, 9], '~__proto__': [4, 1] }) },
      { updatedAt: 'x', riders: { r2: { output: 12, second: 4, name: 'Two' } } },
    ]);
    expect(merged?.entries.map((e) => [e.racerId, e.rank, e.name])).toEqual([
      ['r2', 1, 'Two'],
      ['r1', 2, null],
      ['__proto__', 3, null],
    ]);
  });

  it('orders 2,000 riders exactly like a comparator sort', () => {
    const riders: Record<string, { output: number; second: number }> = {};
    for (let i = 0; i < 2000; i += 1)
      riders[`r${(i * 7919) % 2000}`] = { output: Math.round(((i * 37) % 500) * 1.5) / 10, second: 60 };
    const merged = mergeLiveParts([{ updatedAt: 'x', riders }]);
    const expected = Object.entries(riders)
      .sort(([a, x], [b, y]) => y.output - x.output || (a < b ? -1 : a > b ? 1 : 0))
      .map(([id]) => id);
    expect(merged?.entries.map((e) => e.racerId)).toEqual(expected);
    const ranks = merged?.entries.map((e) => e.rank) ?? [];
    for (let i = 1; i < ranks.length; i += 1) {
      const same = merged?.entries[i]?.output === merged?.entries[i - 1]?.output;
      expect(ranks[i]).toBe(same ? ranks[i - 1] : i + 1);
    }
  });
});
