import { describe, expect, it } from 'vitest';
import { positiveIntEnv, requireEnv } from '../../functions/runtime/config.js';
import { isTransient } from '../../functions/runtime/isTransient.js';
import { backoffMs, withRetry } from '../../functions/runtime/retry.js';
import { noSleep } from './support.js';

describe('configuration', () => {
  it('names the missing or malformed variable', () => {
    expect(() => requireEnv({}, 'TABLE_NAME')).toThrow('environment variable TABLE_NAME is required but not set');
    expect(() => positiveIntEnv({ RACE_SECONDS: 'ten' }, 'RACE_SECONDS', 300)).toThrow(
      'RACE_SECONDS must be a positive integer, got "ten"',
    );
    expect(positiveIntEnv({}, 'RACE_SECONDS', 300)).toBe(300);
  });

  it('a handler without TABLE_NAME fails with a ConfigError that says so', async () => {
    const saved = { ...process.env };
    try {
      process.env.AWS_REGION = 'us-east-1';
      process.env.AWS_ACCESS_KEY_ID = 'local';
      process.env.AWS_SECRET_ACCESS_KEY = 'local';
      delete process.env.TABLE_NAME;
      const { handler } = await import('../../functions/allTime/handler.js');
      await expect(handler({ Records: [] })).rejects.toMatchObject({
        name: 'ConfigError',
        message: expect.stringContaining('TABLE_NAME'),
      });
    } finally {
      process.env = saved;
    }
  });
});

describe('retries', () => {
  it('back off exponentially with full jitter, capped', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffMs(a, 100, 2000, () => 0.999))).toEqual([99, 199, 399, 799, 1998]);
    expect(backoffMs(3, 100, 2000, () => 0)).toBe(0);
  });

  it('retry transient errors, rethrow the others at once', async () => {
    let calls = 0;
    const throttled = Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
    const value = await withRetry('op', async () => (++calls < 3 ? Promise.reject(throttled) : 'ok'), {
      attempts: 5,
      baseMs: 1,
      capMs: 1,
      isRetryable: isTransient,
      sleep: noSleep,
    });
    expect([value, calls]).toEqual(['ok', 3]);
    const invalid = Object.assign(new Error('bad'), { name: 'ValidationException' });
    await expect(
      withRetry('op', async () => Promise.reject(invalid), {
        attempts: 5,
        baseMs: 1,
        capMs: 1,
        isRetryable: isTransient,
        sleep: noSleep,
      }),
    ).rejects.toBe(invalid);
  });

  it('classify network failures and 5xx as transient', () => {
    expect(isTransient(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransient(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe(true);
    expect(
      isTransient(
        Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } }),
      ),
    ).toBe(false);
  });
});
