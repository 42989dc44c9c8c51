import { describe, expect, it } from 'vitest';
import { bigClassParts } from '../../bench/bigClassParts.js';
import { rankKey } from '../../core/keys.js';
import { decodeRiders, rankRiders, type LiveRiders } from '../../core/livePart.js';
import { rankEntries, type Scored } from '../../core/ranking.js';
import { ridersOfItem } from '../../functions/aggregator/livePartReads.js';
import { rankBoard, rankingOrder } from '../../functions/aggregator/rankBoard.js';
import { seededRandom, type Random } from '../../local/simulator/prng.js';

// The resolvers' ranking (rankKey strings, sorted without a comparator) is the reference: the aggregator's
// must give the same entries in the same order with the same ranks, whatever it is given.

/** RacerIds that stress a string order: prefixes of each other, `#` (the key's separator), digits, case,
 * accents, astral characters (surrogate pairs sort by code unit, below U+E000…U+FFFF), lone surrogates,
 * Object.prototype names and the empty id. */
const IDS = [
  '',
  'a',
  'ab',
  'abc',
  'abc ',
  'A',
  'B',
  'b',
  '#',
  '#a',
  'a#',
  '0',
  '00',
  '1',
  '10',
  '9',
  'é',
  'e\u0301',
  'Ω',
  '中',
  '\uffff',
  '\ue000',
  '😀',
  '😀a',
  '\ud83d',
  '\ude00',
  '\u0000',
  '~',
  '__proto__',
  'constructor',
  'toString',
  'rider-000001',
  'rider-00001',
];

/** Outputs with ties, ties below milli-kJ, values either side of a milli-kJ rounding edge, zero and -0. */
const OUTPUTS = [
  0, -0, 0.0004, 0.0005, 1, 1.0004, 1.0004999, 1.0005, 1.0005001, 1.001, 12.3454, 12.3449, 12.345, 99.9999, 100, 250.5,
  1234.5678, 1e9, 999999999999.999,
];

/** Outputs no honest rider has, whose rankKey is not a fixed-width number: ordered as the keys order them. */
const ODD_OUTPUTS = [-1, -0.0004, -0.0006, -1e12, 1e12, 1e13, 1e20, 1e22, Number.NaN, Infinity, -Infinity];

/** rankEntries' answer built from rankingOrder: each entry with its rank, in ranking order. */
function rankScored<T extends Scored>(entries: readonly T[]): Array<T & { rank: number }> {
  const { order, ranks } = rankingOrder(
    entries.map((e) => e.output),
    entries.map((e) => e.racerId),
  );
  return Array.from(order, (i, p) => ({ ...(entries[i] as T), rank: ranks[p] as number }));
}

function pick<T>(random: Random, from: readonly T[]): T {
  return from[Math.floor(random() * from.length)] as T;
}

function randomId(random: Random): string {
  const r = random();
  if (r < 0.6) return pick(random, IDS);
  if (r < 0.8) return pick(random, IDS) + pick(random, IDS);
  // Random UTF-16 code units, surrogates included.
  let s = '';
  const length = Math.floor(random() * 4);
  for (let i = 0; i < length; i += 1) s += String.fromCharCode(Math.floor(random() * 0x10000));
  return s;
}

function randomOutput(random: Random, odd: boolean): number {
  const r = random();
  if (odd && r < 0.15) return pick(random, ODD_OUTPUTS);
  if (r < 0.6) return pick(random, OUTPUTS);
  if (r < 0.8) return Math.round(random() * 50) / 10 + Math.floor(random() * 3) * 0.0001;
  return random() * 2000;
}

function randomEntries(random: Random, odd: boolean) {
  const n = Math.floor(random() * random() * 300);
  const entries: Array<{ racerId: string; output: number; tag: number }> = [];
  for (let tag = 0; tag < n; tag += 1) {
    // Duplicates: the same rider again, with the same output or another.
    const earlier =
      entries.length > 0 && random() < 0.1
        ? (entries[Math.floor(random() * entries.length)] as (typeof entries)[number])
        : undefined;
    const racerId = earlier !== undefined ? earlier.racerId : randomId(random);
    const output = earlier !== undefined && random() < 0.7 ? earlier.output : randomOutput(random, odd);
    entries.push({ racerId, output, tag });
  }
  return entries;
}

describe('rankingOrder: the order and ranks of rankEntries by comparator', () => {
  it('gives the same entries, order and ranks on 1,500 random inputs of honest outputs', () => {
    for (let seed = 1; seed <= 1500; seed += 1) {
      const entries = randomEntries(seededRandom(seed), false);
      expect(rankScored(entries), `seed ${seed}`).toEqual(rankEntries(entries));
    }
  });

  it('orders outputs whose rankKey is not a fixed-width number as their keys order them (1,000 random inputs)', () => {
    for (let seed = 1; seed <= 1000; seed += 1) {
      const entries = randomEntries(seededRandom(100_000 + seed), true);
      expect(rankScored(entries), `seed ${seed}`).toEqual(rankEntries(entries));
    }
  });

  it('keeps the input order of entries with the same key, and ranks ties at milli-kJ precision', () => {
    const entries = [
      { racerId: 'b', output: 5.0004, tag: 0 },
      { racerId: 'a', output: 5, tag: 1 },
      { racerId: 'b', output: 5, tag: 2 },
      { racerId: 'b', output: 4.9996, tag: 3 },
      { racerId: 'ab', output: 5.0005, tag: 4 },
    ];
    const ranked = rankScored(entries);
    expect(ranked.map((e) => [e.rank, e.racerId, e.tag])).toEqual([
      [1, 'ab', 4],
      [2, 'a', 1],
      [2, 'b', 0],
      [2, 'b', 2],
      [2, 'b', 3],
    ]);
    expect(ranked).toEqual(rankEntries(entries));
  });

  it('orders racerIds by UTF-16 code units like the keys: an astral character before U+E000', () => {
    const entries = ['\ue000', '😀', 'z', 'Z', ''].map((racerId) => ({ racerId, output: 1 }));
    expect(rankScored(entries).map((e) => e.racerId)).toEqual(['', 'Z', 'z', '😀', '\ue000']);
    expect(rankScored(entries)).toEqual(rankEntries(entries));
  });

  it('ranks nothing when given nothing', () => {
    expect(rankScored([])).toEqual([]);
    expect(rankingOrder([], [])).toEqual({ order: new Int32Array(0), ranks: [] });
  });

  it('agrees with the keys themselves: the order is that of the sorted rankKeys', () => {
    const random = seededRandom(7);
    const entries = randomEntries(random, true);
    const keys = entries.map((e) => rankKey(e.output, e.racerId));
    const { order } = rankingOrder(
      entries.map((e) => e.output),
      entries.map((e) => e.racerId),
    );
    expect(Array.from(order, (i) => keys[i])).toEqual([...keys].sort());
  });
});

/** Random parts of a race: riders in several shards' parts (after a reshard), with names and flags. */
function randomParts(random: Random): LiveRiders[] {
  const parts: LiveRiders[] = [];
  const count = Math.floor(random() * 5);
  for (let p = 0; p < count; p += 1) {
    const stored: Record<string, unknown[]> = {};
    const riders = Math.floor(random() * 80);
    for (let i = 0; i < riders; i += 1) {
      const racerId = randomId(random);
      const key = racerId === '__proto__' ? '~__proto__' : racerId;
      const second = Math.floor(random() * 4);
      const output = randomOutput(random, false);
      const r = random();
      stored[key] =
        r < 0.5
          ? [second, output]
          : r < 0.8
          ? [second, output, `Name ${i}`]
          : [second, output, random() < 0.5 ? null : 'Flagged', 1 + Math.floor(random() * 7)];
    }
    parts.push(decodeRiders(JSON.stringify(stored)));
  }
  return parts;
}

describe('rankBoard: rankRiders by comparator', () => {
  it('gives the same board, byte for byte, on 800 random sets of parts', () => {
    for (let seed = 1; seed <= 800; seed += 1) {
      const parts = randomParts(seededRandom(200_000 + seed));
      const expected = rankRiders(parts);
      const board = rankBoard(parts);
      expect(board, `seed ${seed}`).toEqual(expected);
      expect(JSON.stringify(board), `seed ${seed}`).toBe(JSON.stringify(expected));
    }
  });

  it('gives the same board for no parts and for empty parts', () => {
    expect(rankBoard([])).toEqual([]);
    expect(rankBoard([{}, {}])).toEqual(rankRiders([{}, {}]));
  });

  it('reads ids that name Object.prototype members and `__proto__` from its stored key as rankRiders does', () => {
    const parts = [
      decodeRiders('{"~__proto__":[2,3,"Proto"],"toString":[2,2],"constructor":[1,2.5]}'),
      decodeRiders({ r2: { output: 3, second: 4, name: 'Two' } }),
    ];
    expect(rankBoard(parts)).toEqual(rankRiders(parts));
    expect(rankBoard(parts).map((e) => e.racerId)).toEqual(['__proto__', 'r2', 'constructor', 'toString']);
  });

  it('drops an own `__proto__` key of a part as merging into a plain object does (it sets the prototype)', () => {
    const parts = [
      JSON.parse('{"__proto__":{"output":9,"second":1},"a":{"output":1,"second":1}}') as LiveRiders,
      JSON.parse('{"__proto__":{"output":8,"second":2},"b":{"output":2,"second":1,"flags":3}}') as LiveRiders,
    ];
    expect(Object.hasOwn(parts[0] as object, '__proto__')).toBe(true);
    expect(rankBoard(parts)).toEqual(rankRiders(parts));
    expect(rankBoard(parts).map((e) => e.racerId)).toEqual(['b', 'a']);
  });

  it('reads flags as the merge does (an int32 mask), whichever part a rider comes from', () => {
    const parts: LiveRiders[] = [
      { a: { output: 1, second: 1, flags: 2 ** 32 + 1 }, b: { output: 2, second: 1, flags: 0.5 } },
      { a: { output: 1, second: 1, flags: 2 }, c: { output: 3, second: 1, flags: -1 } },
      { c: { output: 3, second: 1, flags: 0 } },
    ];
    expect(rankBoard(parts)).toEqual(rankRiders(parts));
    expect(rankBoard(parts.slice(0, 1))).toEqual(rankRiders(parts.slice(0, 1)));
  });

  it('gives the same 50,000-rider board of 63 stored parts, ties across band edges included', () => {
    const items = bigClassParts({
      classId: 4,
      raceId: 1,
      riders: 50_000,
      shards: 63,
      second: 30,
      updatedAt: '2026-12-07T12:00:00.000Z',
    });
    const parts = items.map((item) => ridersOfItem({ ...item }));
    const board = rankBoard(parts);
    expect(board).toHaveLength(50_000);
    expect(JSON.stringify(board)).toBe(JSON.stringify(rankRiders(parts)));
    expect(board.some((e, i) => i > 0 && e.rank !== i + 1)).toBe(true);
  });
});
