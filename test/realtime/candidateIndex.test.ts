// The candidate index must never lose a group whose filter matches: for every event, the groups that pass
// their whole filter among the candidates are exactly the groups that pass it among all groups.
import { describe, expect, it } from 'vitest';
import {
  createCandidateIndex,
  lookupsOfArguments,
  lookupsOfFilter,
} from '../../local/appsync/realtime/candidateIndex.js';
import {
  argumentsMatch,
  filterMatches,
  parseSubscriptionFilter,
  type FilterOperator,
  type SubscriptionFilter,
} from '../../local/appsync/realtime/filters.js';

interface Group {
  name: string;
  filter?: SubscriptionFilter;
  args?: Record<string, unknown>;
}

const matches = (g: Group, data: unknown): boolean =>
  g.filter ? filterMatches(g.filter, data) : argumentsMatch(g.args ?? {}, data);

function parsed(raw: unknown): SubscriptionFilter {
  const filter = parseSubscriptionFilter(raw);
  if ('errorType' in filter) throw new Error(filter.message);
  return filter;
}

/** Every group's name the index delivers to (candidates that pass their filter), and what evaluating all gives. */
function delivered(groups: readonly Group[], data: unknown) {
  const index = createCandidateIndex<Group>();
  for (const g of groups) index.add(g, g.filter ? lookupsOfFilter(g.filter) : lookupsOfArguments(g.args ?? {}));
  return {
    indexed: index
      .candidates(data)
      .filter((g) => matches(g, data))
      .map((g) => g.name),
    evaluated: groups.filter((g) => matches(g, data)).map((g) => g.name),
    candidates: index.candidates(data).length,
  };
}

const band = (name: string, classId: unknown, bands: unknown[]): Group => ({
  name,
  filter: parsed({
    filterGroup: [
      {
        filters: [
          { fieldName: 'classId', operator: 'eq', value: classId },
          { fieldName: 'band', operator: 'in', value: bands },
        ],
      },
    ],
  }),
});

describe('the candidate index of subscription filters', () => {
  it('finds a band among a thousand band groups by looking it up, not by evaluating them all', () => {
    const groups = Array.from({ length: 1000 }, (_, b) => band(`b${b}`, 4, b === 0 ? [0] : [0, b]));
    const seven = delivered(groups, { classId: 4, band: 7, entries: [] });
    expect(seven.indexed).toEqual(['b7']);
    expect(seven.evaluated).toEqual(['b7']);
    expect(seven.candidates).toBe(1);
    const top = delivered(groups, { classId: 4, band: 0 });
    expect(top.indexed).toEqual(top.evaluated);
    expect(top.indexed).toHaveLength(1000);
    expect(delivered(groups, { classId: 5, band: 7 }).candidates).toBe(0);
  });

  it('delivers what evaluation delivers for repeated values, bands out of range, the 5-value limit and odd events', () => {
    const groups = [
      band('dup', 4, [0, 0, 7]),
      band('five', 4, [1, 2, 3, 4, 5]),
      band('far', 4, [10_001, -1]),
      band('none', 4, []),
      band('stringy', 4, ['7']),
      band('nullBand', 4, [null]),
      band('nullClass', null, [7]),
      band('floaty', 4, [7.5]),
    ];
    const events: unknown[] = [
      { classId: 4, band: 7 },
      { classId: 4, band: 0 },
      { classId: 4, band: '7' },
      { classId: 4, band: 10_001 },
      { classId: 4, band: -1 },
      { classId: 4, band: 7.5 },
      { classId: 4, band: 3 },
      { classId: 4 },
      { classId: 4, band: null },
      { band: 7 },
      { classId: '4', band: 7 },
      { classId: 4, band: [7] },
      { classId: 4, band: { value: 7 } },
      { classId: 4, band: true },
      null,
      'band 7',
      [4, 7],
    ];
    for (const data of events) {
      const d = delivered(groups, data);
      expect(d.indexed, JSON.stringify(data)).toEqual(d.evaluated);
    }
    expect(delivered(groups, { classId: 4, band: 7 }).indexed).toEqual(['dup']);
    expect(delivered(groups, { classId: 4 }).indexed).toEqual(['nullBand']);
    expect(delivered(groups, { band: 7 }).indexed).toEqual(['nullClass']);
    // A filter of six values is refused before it reaches the index.
    expect(
      parseSubscriptionFilter({ filters: [{ fieldName: 'band', operator: 'in', value: [1, 2, 3, 4, 5, 6] }] }),
    ).toMatchObject({ errorType: 'ValidationError' });
  });

  it('evaluates, for every event, a group one of whose branches nothing can be looked up for', () => {
    const groups: Group[] = [
      {
        name: 'orRange',
        filter: parsed({
          filterGroup: [
            { filters: [{ fieldName: 'band', operator: 'eq', value: 1 }] },
            { filters: [{ fieldName: 'band', operator: 'ge', value: 900 }] },
          ],
        }),
      },
      { name: 'deep', filter: parsed({ filters: [{ fieldName: 'a.b.c.d.e.f', operator: 'eq', value: 1 }] }) },
      { name: 'notIn', filter: parsed({ filters: [{ fieldName: 'band', operator: 'notIn', value: [1] }] }) },
      { name: 'noArgs', args: {} },
      { name: 'listArg', args: { bands: [1, 2] } },
    ];
    for (const data of [{ band: 950 }, { band: 1 }, { band: 2 }, { a: { b: 1 } }, { bands: [1, 2] }, {}]) {
      const d = delivered(groups, data);
      expect(d.indexed, JSON.stringify(data)).toEqual(d.evaluated);
    }
    expect(delivered(groups, { band: 950 }).indexed).toEqual(['orRange', 'deep', 'notIn', 'noArgs']);
  });

  it('looks subscription arguments up as argument filtering compares them (null matches absent)', () => {
    const groups: Group[] = [
      { name: 'c1', args: { classId: 1 } },
      { name: 'c2', args: { classId: 2 } },
      { name: 'cNull', args: { classId: null } },
      { name: 'c1r5', args: { classId: 1, raceId: 5 } },
      { name: 'cString', args: { classId: '1' } },
    ];
    for (const data of [{ classId: 1, raceId: 5 }, { classId: 1 }, {}, { classId: null }, { classId: '1' }]) {
      const d = delivered(groups, data);
      expect(d.indexed, JSON.stringify(data)).toEqual(d.evaluated);
    }
    expect(delivered(groups, { classId: 1, raceId: 5 }).indexed).toEqual(['c1', 'c1r5']);
    expect(delivered(groups, {}).indexed).toEqual(['cNull']);
  });

  it('agrees with evaluating every filter on thousands of random filters and events', () => {
    // A fixed-seed generator (xorshift), so that a failure reproduces.
    let seed = 0x2545f491;
    const random = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const fields = ['classId', 'band', 'meta.kind', 'meta.deep.x', 'tags'];
    const values: unknown[] = [0, 1, 2, 7, '1', '7', null, true, false, 'a', 'b'];
    const operators: FilterOperator[] = ['eq', 'eq', 'in', 'in', 'ne', 'ge', 'lt', 'notIn', 'contains', 'beginsWith'];
    const rule = () => {
      const operator = pick(operators);
      const many = operator === 'in' || operator === 'notIn';
      const value = many ? Array.from({ length: Math.floor(random() * 6) }, () => pick(values)) : pick(values);
      return { fieldName: pick(fields), operator, value: operator === 'beginsWith' ? 'a' : value };
    };
    const groups: Group[] = [];
    for (let i = 0; groups.length < 400; i += 1) {
      if (random() < 0.2) {
        const args: Record<string, unknown> = {};
        for (let a = Math.floor(random() * 3); a > 0; a -= 1) args[pick(['classId', 'band'])] = pick(values);
        groups.push({ name: `g${i}`, args });
        continue;
      }
      const raw = {
        filterGroup: Array.from({ length: 1 + Math.floor(random() * 2) }, () => ({
          filters: Array.from({ length: 1 + Math.floor(random() * 3) }, rule),
        })),
      };
      const filter = parseSubscriptionFilter(raw);
      if (!('errorType' in filter)) groups.push({ name: `g${i}`, filter });
    }
    const index = createCandidateIndex<Group>();
    for (const g of groups) index.add(g, g.filter ? lookupsOfFilter(g.filter) : lookupsOfArguments(g.args ?? {}));
    // Remove and add back some, as subscribers come and go.
    for (const g of groups.filter((_, i) => i % 7 === 0)) index.remove(g);
    const present = groups.filter((_, i) => i % 7 !== 0 || i % 14 === 0);
    for (const g of groups.filter((_, i) => i % 14 === 0))
      index.add(g, g.filter ? lookupsOfFilter(g.filter) : lookupsOfArguments(g.args ?? {}));
    const order = (list: readonly Group[]) => list.map((g) => g.name).sort();
    let matched = 0;
    for (let e = 0; e < 2000; e += 1) {
      const data: Record<string, unknown> = {};
      if (random() < 0.9) data['classId'] = pick(values);
      if (random() < 0.9) data['band'] = pick(values);
      if (random() < 0.5) data['meta'] = { kind: pick(values), deep: { x: pick(values) } };
      if (random() < 0.3) data['tags'] = [pick(values), pick(values)];
      const indexed = index.candidates(data).filter((g) => matches(g, data));
      const evaluated = present.filter((g) => matches(g, data));
      expect(order(indexed)).toEqual(order(evaluated));
      matched += evaluated.length;
    }
    expect(matched).toBeGreaterThan(1000);
  });

  it('forgets a removed group', () => {
    const index = createCandidateIndex<Group>();
    const g = band('g', 4, [0, 7]);
    index.add(g, lookupsOfFilter(g.filter!));
    expect(index.candidates({ classId: 4, band: 7 })).toEqual([g]);
    index.remove(g);
    expect(index.candidates({ classId: 4, band: 7 })).toEqual([]);
    expect(index.candidates({ classId: 4, band: 0 })).toEqual([]);
  });
});
