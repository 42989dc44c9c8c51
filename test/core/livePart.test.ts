import { describe, expect, it } from 'vitest';
import {
  buildLivePartItem,
  decodeRiders,
  encodeRiders,
  mergeRiders,
  rankRiders,
  type LiveRiders,
} from '../../core/livePart.js';

describe('mergeRiders', () => {
  it('never moves a rider backwards and reports a replay as unchanged', () => {
    const stored = { a: { output: 10, second: 30, name: 'Ann' }, b: { output: 4, second: 20 } };
    const older = { a: { output: 9, second: 29 }, b: { output: 4, second: 20 } };
    expect(mergeRiders(stored, older)).toEqual({ riders: stored, changed: false });
    const newer = mergeRiders(stored, { a: { output: 11, second: 31 }, c: { output: 1, second: 2 } });
    expect(newer.changed).toBe(true);
    expect(newer.riders).toEqual({
      a: { output: 11, second: 31, name: 'Ann' },
      b: { output: 4, second: 20 },
      c: { output: 1, second: 2 },
    });
  });

  it('takes a name that only an older record carried', () => {
    const merged = mergeRiders({ a: { output: 2.1, second: 7 } }, { a: { output: 0, second: 0, name: 'Ann' } });
    expect(merged).toEqual({ riders: { a: { output: 2.1, second: 7, name: 'Ann' } }, changed: true });
  });

  it('at equal seconds keeps the larger output, whatever the order', () => {
    const x = { a: { output: 5, second: 9 } };
    const y = { a: { output: 6, second: 9 } };
    expect(mergeRiders(x, y).riders).toEqual(y);
    expect(mergeRiders(y, x)).toEqual({ riders: y, changed: false });
  });
});

describe('encodeRiders and decodeRiders', () => {
  it('store a part’s riders as one JSON string and read them back, `__proto__` (stored as ~__proto__) included', () => {
    const riders: LiveRiders = {
      '~__proto__': { output: 1.5, second: 3 },
      toString: { output: 2, second: 3, name: 'Ts' },
    };
    const stored = encodeRiders(riders);
    expect(stored).toBe('{"~__proto__":[3,1.5],"toString":[3,2,"Ts"]}');
    expect(Object.entries(decodeRiders(stored))).toEqual([
      ['~__proto__', { output: 1.5, second: 3 }],
      ['toString', { output: 2, second: 3, name: 'Ts' }],
    ]);
  });

  it('read a map of riders like the string, and an odd value as no riders', () => {
    expect(decodeRiders({ a: { output: 1, second: 2 }, b: { output: 1, second: 2, name: null } })).toEqual({
      a: { output: 1, second: 2 },
      b: { output: 1, second: 2 },
    });
    expect(decodeRiders('[1,2]')).toEqual({});
    expect(decodeRiders('""')).toEqual({});
    expect(decodeRiders('{"a":[1,2],"b":{"x":1},"c":[1,"2"],"d":[1,2,3]}')).toEqual({ a: { second: 1, output: 2 } });
    expect(decodeRiders(undefined)).toEqual({});
    expect(decodeRiders(null)).toEqual({});
  });

  it('leave text that is not JSON to JSON.parse: it throws in Node (APPSYNC_JS answers "", no riders)', () => {
    expect(() => decodeRiders('{not json')).toThrow(SyntaxError);
  });
});

describe('buildLivePartItem', () => {
  it('writes the key, the riders string, its expiry and the window when there is one', () => {
    const riders = { a: { output: 1, second: 2 } };
    const updatedAt = '2026-12-07T05:00:00.000Z';
    const base = { classId: 2, raceId: 7, shardId: 'shardId-1', riders, version: 3, updatedAt };
    expect(buildLivePartItem(base)).toEqual({
      PK: 'RACE#2#000000000007',
      SK: 'LIVE#shardId-1',
      itemType: 'LivePart',
      classId: 2,
      raceId: 7,
      shardId: 'shardId-1',
      riders: '{"a":[2,1]}',
      version: 3,
      updatedAt,
      // Two weeks after the write (core/expiresAt.ts), epoch seconds.
      expiresAt: Date.UTC(2026, 11, 21, 5, 0, 0) / 1000,
    });
    expect(buildLivePartItem({ ...base, windowStart: 5000 }).windowStart).toBe(5000);
  });
});

describe('rankRiders', () => {
  it('ranks the riders of every part together, ties sharing a rank and ordered by racerId', () => {
    const entries = rankRiders([
      { carol: { output: 12.5, second: 5, name: 'Carol' }, alice: { output: 20, second: 5 } },
      { bob: { output: 12.5, second: 6, name: 'Bob' }, dave: { output: 3, second: 4 } },
    ]);
    expect(entries).toEqual([
      { rank: 1, racerId: 'alice', name: null, output: 20, second: 5, flags: [] },
      { rank: 2, racerId: 'bob', name: 'Bob', output: 12.5, second: 6, flags: [] },
      { rank: 2, racerId: 'carol', name: 'Carol', output: 12.5, second: 5, flags: [] },
      { rank: 4, racerId: 'dave', name: null, output: 3, second: 4, flags: [] },
    ]);
  });

  it('keeps the newer second of a rider found in two parts (after a reshard)', () => {
    const entries = rankRiders([
      { r1: { output: 30, second: 20 } },
      { r1: { output: 10, second: 8 }, r2: { output: 15, second: 8 } },
    ]);
    expect(entries.map((e) => [e.racerId, e.output, e.second, e.rank])).toEqual([
      ['r1', 30, 20, 1],
      ['r2', 15, 8, 2],
    ]);
  });

  it('keeps a name seen in an older part when the newer part has none, in either order', () => {
    const older = { r1: { output: 5, second: 2, name: 'Rae' } };
    const newer = { r1: { output: 9, second: 4 } };
    const expected = [{ rank: 1, racerId: 'r1', name: 'Rae', output: 9, second: 4, flags: [] }];
    expect(rankRiders([older, newer])).toEqual(expected);
    expect(rankRiders([newer, older])).toEqual(expected);
  });

  it('gives racerIds that name Object.prototype members, and `__proto__` from its stored key', () => {
    const entries = rankRiders([decodeRiders('{"~__proto__":[2,3,"Proto"],"toString":[2,2],"constructor":[1,2.5]}')]);
    expect(entries.map((e) => [e.racerId, e.name, e.rank])).toEqual([
      ['__proto__', 'Proto', 1],
      ['constructor', null, 2],
      ['toString', null, 3],
    ]);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it('reads parts stored as a string and as a map alike', () => {
    const entries = rankRiders([
      decodeRiders(JSON.stringify({ r1: [4, 9], '~__proto__': [4, 1] })),
      decodeRiders({ r2: { output: 12, second: 4, name: 'Two' } }),
    ]);
    expect(entries.map((e) => [e.racerId, e.rank, e.name])).toEqual([
      ['r2', 1, 'Two'],
      ['r1', 2, null],
      ['__proto__', 3, null],
    ]);
  });
});
