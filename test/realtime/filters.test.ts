import { describe, expect, it } from 'vitest';
import {
  filterMatches,
  parseSubscriptionFilter,
  type FilterRule,
  type SubscriptionFilter,
} from '../../local/appsync/realtime/index.js';
import { argumentsMatch } from '../../local/appsync/realtime/filters.js';

const event = {
  id: 'm1',
  author: 'ana',
  body: 'hello world',
  priority: 5,
  tags: ['news', 'sport'],
  meta: { level: 3, region: 'eu-west' },
  roomId: null,
};

function one(rule: FilterRule): SubscriptionFilter {
  const parsed = parseSubscriptionFilter({ filterGroup: [{ filters: [rule] }] });
  if ('errorType' in parsed) throw new Error(parsed.message);
  return parsed;
}

function passes(fieldName: string, operator: FilterRule['operator'], value: unknown): boolean {
  return filterMatches(one({ fieldName, operator, value }), event);
}

describe('enhanced filter operators', () => {
  it('eq and ne compare scalars, null included', () => {
    expect(passes('author', 'eq', 'ana')).toBe(true);
    expect(passes('author', 'eq', 'Ana')).toBe(false); // case-sensitive
    expect(passes('priority', 'eq', 5)).toBe(true);
    expect(passes('roomId', 'eq', null)).toBe(true);
    expect(passes('author', 'ne', 'bo')).toBe(true);
    expect(passes('author', 'ne', 'ana')).toBe(false);
  });

  it('le, lt, ge, gt order numbers and strings, never mixed types', () => {
    expect([
      passes('priority', 'le', 5),
      passes('priority', 'lt', 5),
      passes('priority', 'ge', 5),
      passes('priority', 'gt', 4),
    ]).toEqual([true, false, true, true]);
    expect(passes('author', 'gt', 'aaa')).toBe(true);
    expect(passes('author', 'lt', 'aaa')).toBe(false);
    expect(passes('priority', 'gt', '1')).toBe(false);
  });

  it('contains and notContains work on substrings and on list elements', () => {
    expect(passes('body', 'contains', 'lo wo')).toBe(true);
    expect(passes('tags', 'contains', 'sport')).toBe(true);
    expect(passes('tags', 'contains', 'spo')).toBe(false);
    expect(passes('body', 'notContains', 'bye')).toBe(true);
    expect(passes('tags', 'notContains', 'news')).toBe(false);
  });

  it('beginsWith, in, notIn, between, containsAny', () => {
    expect(passes('body', 'beginsWith', 'hell')).toBe(true);
    expect(passes('body', 'beginsWith', 'world')).toBe(false);
    expect(passes('author', 'in', ['bo', 'ana'])).toBe(true);
    expect(passes('author', 'notIn', ['bo', 'ana'])).toBe(false);
    expect(passes('priority', 'between', [1, 5])).toBe(true);
    expect(passes('priority', 'between', [6, 9])).toBe(false);
    expect(passes('tags', 'containsAny', ['music', 'sport'])).toBe(true);
    expect(passes('tags', 'containsAny', ['music'])).toBe(false);
  });

  it('reads dotted paths of nested fields', () => {
    expect(passes('meta.region', 'beginsWith', 'eu-')).toBe(true);
    expect(passes('meta.level', 'gt', 3)).toBe(false);
  });

  it('ANDs the filters of a group and ORs the groups', () => {
    const filter = parseSubscriptionFilter({
      filterGroup: [
        {
          filters: [
            { fieldName: 'author', operator: 'eq', value: 'ana' },
            { fieldName: 'priority', operator: 'gt', value: 9 },
          ],
        },
        { filters: [{ fieldName: 'tags', operator: 'contains', value: 'sport' }] },
      ],
    }) as SubscriptionFilter;
    expect(filterMatches(filter, event)).toBe(true);
    expect(filterMatches(filter, { ...event, tags: [] })).toBe(false);
    expect(filterMatches(filter, { ...event, tags: [], priority: 10 })).toBe(true);
  });
});

describe("enhanced filter limits (AppSync's documented exceptions)", () => {
  const rule = (fieldName: string, operator = 'eq', value: unknown = 1) => ({ fieldName, operator, value });
  const refused = (filter: unknown) => {
    const parsed = parseSubscriptionFilter(filter);
    return 'errorType' in parsed ? parsed.message : undefined;
  };

  it('refuses more than 5 unique fieldNames in one filter', () => {
    expect(refused({ filterGroup: [{ filters: ['a', 'b', 'c', 'd', 'e'].map((f) => rule(f)) }] })).toBeUndefined();
    expect(refused({ filterGroup: [{ filters: ['a', 'b', 'c', 'd', 'e', 'f'].map((f) => rule(f)) }] })).toMatch(
      /at most 5 unique fieldNames, got 6/,
    );
  });

  it('refuses more than 10 filters, counting in once per value', () => {
    const eleven = Array.from({ length: 11 }, () => ({ filters: [rule('a')] }));
    expect(refused({ filterGroup: eleven.slice(0, 10) })).toBeUndefined();
    expect(refused({ filterGroup: eleven })).toMatch(/at most 10 filters/);
    // {userId eq 1, group in [Admin, Developer]} counts as 2.
    const withIn = { filters: [rule('userId'), rule('group', 'in', ['Admin', 'Developer'])] };
    expect(refused({ filterGroup: [withIn, ...eleven.slice(0, 8)] })).toBeUndefined();
    expect(refused({ filterGroup: [withIn, ...eleven.slice(0, 9)] })).toMatch(/got 11/);
  });

  it('refuses in/notIn over 5 values, containsAny over 20, strings over 256 characters', () => {
    expect(refused({ filterGroup: [{ filters: [rule('a', 'in', [1, 2, 3, 4, 5, 6])] }] })).toMatch(
      /in accepts at most 5 values/,
    );
    expect(refused({ filterGroup: [{ filters: [rule('a', 'notIn', [1, 2, 3, 4, 5, 6])] }] })).toMatch(
      /notIn accepts at most 5/,
    );
    expect(
      refused({
        filterGroup: [
          {
            filters: [
              rule(
                'a',
                'containsAny',
                Array.from({ length: 21 }, (_, i) => i),
              ),
            ],
          },
        ],
      }),
    ).toMatch(/at most 20/);
    expect(refused({ filterGroup: [{ filters: [rule('a', 'eq', 'x'.repeat(257))] }] })).toMatch(/256 characters/);
  });

  it('refuses unknown operators and malformed shapes', () => {
    expect(refused({ filterGroup: [{ filters: [rule('a', 'EQ')] }] })).toMatch(/unsupported operator "EQ"/);
    expect(refused({ filterGroup: [{ filters: [rule('a', 'between', [1])] }] })).toMatch(/between needs/);
    expect(refused({ nope: true })).toMatch(/expected \{filterGroup/);
    expect(refused({ filterGroup: [] })).toMatch(/empty/);
  });

  it('ignores rules nested deeper than five levels', () => {
    const deep = one({ fieldName: 'a.b.c.d.e.f', operator: 'eq', value: 'never' });
    expect(filterMatches(deep, event)).toBe(true);
  });
});

describe('argument filters', () => {
  it('matches supplied arguments by equality; a null argument matches only null or unset fields', () => {
    expect(argumentsMatch({ author: 'ana' }, event)).toBe(true);
    expect(argumentsMatch({ author: 'bo' }, event)).toBe(false);
    expect(argumentsMatch({ roomId: null }, event)).toBe(true);
    expect(argumentsMatch({ roomId: null }, { ...event, roomId: 'r1' })).toBe(false);
    expect(argumentsMatch({}, event)).toBe(true);
  });
});
