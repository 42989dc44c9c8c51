import { describe, expect, it } from 'vitest';
import { formatCursor, isBase64, parseCursor, parseDigits } from '../../resolvers/lib/cursor.js';

const scope = 'RACE#1#000000000042';

describe('page cursor', () => {
  it('round-trips scope, rank state and where to resume', () => {
    const cursor = { scope, state: { position: 200, rank: 198, units: 51234 }, resume: 'eyJQSyI6IngifQ==' };
    expect(parseCursor(formatCursor(cursor), scope)).toEqual(cursor);
  });

  it('round-trips a token of the page before, told apart from a forward one', () => {
    const cursor = { scope, state: { position: 40, rank: 38, units: 7 }, resume: '999#r1', before: true };
    expect(parseCursor(formatCursor(cursor), scope)).toEqual(cursor);
    expect(formatCursor(cursor).startsWith('p2|')).toBe(true);
    expect(parseCursor(formatCursor({ ...cursor, before: false }), scope)?.before).toBeUndefined();
  });

  it('keeps a resume point that itself contains the separator', () => {
    const cursor = { scope, state: { position: 1, rank: 1, units: 0 }, resume: 'a|b||c' };
    expect(parseCursor(formatCursor(cursor), scope)?.resume).toBe('a|b||c');
  });

  it('refuses a cursor of another query', () => {
    const text = formatCursor({ scope, state: { position: 1, rank: 1, units: 5 }, resume: 't' });
    expect(parseCursor(text, 'RACE#2#000000000042')).toBeNull();
  });

  it.each([
    ['', 'empty'],
    ['hello', 'not a cursor'],
    [`c1|${scope}|1|1|5|t`, 'another version'],
    [`c2|${scope}|0|0|5|t`, 'no position'],
    [`c2|${scope}|3|4|5|t`, 'rank after position'],
    [`c2|${scope}|1|1|-5|t`, 'negative score'],
    [`c2|${scope}|1e3|1|5|t`, 'exponent'],
    [`c2|${scope}| 1|1|5|t`, 'space'],
    [`c2|${scope}|1|1|5|`, 'nowhere to resume'],
    [`c2|${scope}|1|1|5`, 'too few fields'],
    [`p2|${scope}|3|4|5|t`, 'rank after position, upwards'],
    [`p1|${scope}|1|1|5|t`, 'another version, upwards'],
  ])('refuses %j (%s)', (text) => {
    expect(parseCursor(text, scope)).toBeNull();
  });

  it('reads only plain digit strings as numbers', () => {
    expect(parseDigits('0042')).toBe(42);
    expect(parseDigits('')).toBe(-1);
    expect(parseDigits('4.2')).toBe(-1);
    expect(parseDigits('1234567890123456')).toBe(-1);
  });

  it('recognises base64 text and nothing else', () => {
    expect(isBase64(Buffer.from('c1|x|1|1|5|t').toString('base64'))).toBe(true);
    expect(isBase64('YQ==')).toBe(true);
    expect(isBase64('YWI=')).toBe(true);
    expect(isBase64('YQ=A')).toBe(false);
    expect(isBase64('Y===')).toBe(false);
    expect(isBase64('abc')).toBe(false);
    expect(isBase64('ab$d')).toBe(false);
    expect(isBase64('')).toBe(false);
  });
});
