/** Waiting on the race clock and on asynchronous conditions, with bounded waits (never a fixed guess of speed). */
import { isDeepStrictEqual } from 'node:util';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Sleeps until the wall clock reaches `epochMillis`. */
export async function sleepUntil(epochMillis: number): Promise<void> {
  while (Date.now() < epochMillis) await sleep(Math.min(1000, epochMillis - Date.now()));
}

/**
 * Polls `probe` until it returns a value (not undefined) or `deadline` (epoch
 * ms) passes; then throws, naming what was awaited and the last observation.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  deadline: number,
  what: string,
  lastSeen: () => unknown = () => undefined,
  everyMs = 250,
): Promise<T> {
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const seen = lastSeen();
      throw new Error(
        `gave up waiting for ${what}${seen === undefined ? '' : `; last seen: ${JSON.stringify(seen, null, 1)}`}`,
      );
    }
    await sleep(everyMs);
  }
}

/**
 * Reads until `done(value)` holds or `deadline` (epoch ms) passes, and
 * returns the last value read: the caller asserts on it, so a mismatch is
 * reported as a difference, not as a timeout.
 */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  deadline: number,
  everyMs = 500,
): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(everyMs);
  }
}

/** readUntil for a value that should come to deep-equal `want`. */
export function readUntilEqual<T>(read: () => Promise<T>, want: unknown, deadline: number, everyMs = 500): Promise<T> {
  return readUntil(read, (value) => isDeepStrictEqual(value, want), deadline, everyMs);
}

/** Resolves once `condition()` holds, polling every `everyMs`; rejects after `timeoutMs`, naming `what`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
  everyMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
