import { describe, expect, it } from 'vitest';
import { errorMessage, toError } from '../../lib/toError.js';
import { isRecord } from '../../lib/isRecord.js';

describe('toError', () => {
  it('passes Errors through unchanged', () => {
    const err = new TypeError('boom');
    expect(toError(err)).toBe(err);
  });
  it('keeps the message of an error-like object and its cause', () => {
    const thrown = { message: 'throttled', code: 'X' };
    const err = toError(thrown);
    expect(err.message).toBe('throttled');
    expect(err.cause).toBe(thrown);
  });
  it('turns strings, numbers and plain objects into readable messages', () => {
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage({ a: 1 })).toBe('{"a":1}');
    expect(errorMessage(undefined)).toBe('undefined');
  });
  it('survives values JSON cannot serialise', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(errorMessage(circular)).toBe('[object Object]');
    expect(errorMessage(10n)).toBe('10');
  });
});

describe('isRecord', () => {
  it('is true only for non-null, non-array objects', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord(Object.create(null))).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord('x')).toBe(false);
  });
});
