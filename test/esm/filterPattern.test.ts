import { describe, expect, it } from 'vitest';
import { compileFilterCriteria, compileFilterPattern } from '../../local/esm/filterPattern.js';
import { InvalidFilterPatternError } from '../../local/esm/errors.js';
import { MAPPINGS } from '../../infra/settings.js';

const matches = (pattern: unknown, subject: unknown): boolean => compileFilterPattern(JSON.stringify(pattern))(subject);

describe('filter patterns', () => {
  it('matches exact values: strings, numbers (numerically), booleans, null and the empty string', () => {
    expect(matches({ a: ['x', 'y'] }, { a: 'y' })).toBe(true);
    expect(matches({ a: ['x'] }, { a: 'X' })).toBe(false);
    expect(matches({ a: [5] }, { a: 5.0 })).toBe(true);
    expect(matches({ a: [5] }, { a: '5' })).toBe(false);
    expect(matches({ a: [true] }, { a: true })).toBe(true);
    expect(matches({ a: [null] }, { a: null })).toBe(true);
    expect(matches({ a: [null] }, {})).toBe(false);
    expect(matches({ a: [''] }, { a: '' })).toBe(true);
  });

  it('matches prefix, suffix and equals-ignore-case', () => {
    expect(matches({ sk: [{ prefix: 'RESULT#' }] }, { sk: 'RESULT#1' })).toBe(true);
    expect(matches({ sk: [{ prefix: 'RESULT#' }] }, { sk: 'LIVE#1' })).toBe(false);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'a.png' })).toBe(true);
    expect(matches({ f: [{ suffix: '.png' }] }, { f: 'a.jpg' })).toBe(false);
    expect(matches({ c: [{ 'equals-ignore-case': 'seattle' }] }, { c: 'SeAttle' })).toBe(true);
    expect(matches({ c: [{ prefix: { 'equals-ignore-case': 'sea' } }] }, { c: 'SEATTLE' })).toBe(true);
  });

  it('matches numeric comparisons and ranges', () => {
    const range = { t: [{ numeric: ['>', 0, '<=', 100] }] };
    expect(matches(range, { t: 100 })).toBe(true);
    expect(matches(range, { t: 0 })).toBe(false);
    expect(matches(range, { t: '50' })).toBe(false);
    expect(matches({ t: [{ numeric: ['=', 3] }] }, { t: 3 })).toBe(true);
    expect(matches({ t: [{ numeric: ['>=', 3] }] }, { t: 2.9 })).toBe(false);
  });

  it('matches exists on leaves, true and false', () => {
    expect(matches({ a: [{ exists: true }] }, { a: 'v' })).toBe(true);
    expect(matches({ a: [{ exists: true }] }, {})).toBe(false);
    expect(matches({ a: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ a: [{ exists: false }] }, { a: 1 })).toBe(false);
    expect(matches({ o: { a: [{ exists: false }] } }, {})).toBe(true);
  });

  it('matches anything-but values, lists and prefixes', () => {
    expect(matches({ s: [{ 'anything-but': 'x' }] }, { s: 'y' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': ['x', 'y'] }] }, { s: 'y' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { prefix: 'tmp' } }] }, { s: 'tmp1' })).toBe(false);
    expect(matches({ s: [{ 'anything-but': { prefix: 'tmp' } }] }, { s: 'final' })).toBe(true);
    expect(matches({ s: [{ 'anything-but': 'x' }] }, {})).toBe(false);
  });

  it('ANDs keys, ORs the rules of a list, supports $or and matches any element of an array', () => {
    const p = { a: ['1'], b: { c: [{ prefix: 'x' }, 'z'] } };
    expect(matches(p, { a: '1', b: { c: 'z' } })).toBe(true);
    expect(matches(p, { a: '2', b: { c: 'z' } })).toBe(false);
    const or = { $or: [{ a: ['1'] }, { b: [{ numeric: ['>', 10] }] }] };
    expect(matches(or, { b: 11 })).toBe(true);
    expect(matches(or, { a: '2', b: 1 })).toBe(false);
    expect(matches({ tags: ['red'] }, { tags: ['blue', 'red'] })).toBe(true);
  });

  it('ORs the filters of a FilterCriteria; no filters lets everything through', () => {
    const f = compileFilterCriteria([JSON.stringify({ a: ['1'] }), JSON.stringify({ a: ['2'] })]);
    expect(f?.({ a: '2' })).toBe(true);
    expect(f?.({ a: '3' })).toBe(false);
    expect(compileFilterCriteria([])).toBeUndefined();
  });

  it('rejects malformed patterns with a clear error', () => {
    expect(() => compileFilterPattern('{not json')).toThrow(InvalidFilterPatternError);
    expect(() => compileFilterPattern('{"a": "x"}')).toThrow(/object or a list of rules/);
    expect(() => compileFilterPattern('{"a": [{"numeric": [">", "1"]}]}')).toThrow(/numbers/);
    expect(() => compileFilterPattern('{"a": [{"wat": 1}]}')).toThrow(/unknown filter operator/);
    expect(() => compileFilterPattern('{"a": []}')).toThrow(/empty/);
    expect(() => compileFilterCriteria(Array.from({ length: 6 }, () => '{"a":["1"]}'))).toThrow(/at most 5/);
  });

  it('the all-time mapping lets only inserted and modified RESULT# items through', () => {
    const f = compileFilterCriteria(MAPPINGS.allTime.filters.map((x) => x.pattern));
    const record = (eventName: string, sk: string) => ({
      eventName,
      dynamodb: { NewImage: { PK: { S: 'RACE#1' }, SK: { S: sk } } },
    });
    expect(f?.(record('INSERT', 'RESULT#0001#r1'))).toBe(true);
    expect(f?.(record('MODIFY', 'RESULT#0001#r1'))).toBe(true);
    expect(f?.(record('MODIFY', 'CLASS#1'))).toBe(false);
    expect(f?.(record('INSERT', 'LIVE#1'))).toBe(false);
    expect(f?.({ eventName: 'REMOVE', dynamodb: { Keys: {} } })).toBe(false);
  });
});
