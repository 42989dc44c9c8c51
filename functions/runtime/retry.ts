/**
 * In-process retries with exponential backoff and full jitter (the AWS
 * architecture-blog scheme: sleep = random(0, min(cap, base * 2^attempt))).
 */
import type { Sleep } from './clock.js';
import { realSleep } from './clock.js';
import { RetriesExhaustedError } from './errors.js';

export interface RetryOptions {
  /** Total attempts including the first. */
  attempts: number;
  baseMs: number;
  capMs: number;
  /** Which errors are worth another attempt; others are rethrown at once. */
  isRetryable: (error: unknown) => boolean;
  sleep?: Sleep;
  random?: () => number;
  /** Called before each retry (for logging / metrics). */
  onRetry?: (error: unknown, attempt: number) => void;
}

/** Backoff before retry number `attempt` (0-based), with full jitter. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/** Runs `fn` until it succeeds, fails with a non-retryable error, or attempts run out. */
export async function withRetry<T>(what: string, fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  let last: unknown;
  for (let attempt = 0; attempt < opts.attempts; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      if (!opts.isRetryable(error)) throw error;
      last = error;
      if (attempt + 1 < opts.attempts) {
        opts.onRetry?.(error, attempt + 1);
        await sleep(backoffMs(attempt, opts.baseMs, opts.capMs, random));
      }
    }
  }
  throw new RetriesExhaustedError(`${what} failed after ${opts.attempts} attempts`, opts.attempts, { cause: last });
}
