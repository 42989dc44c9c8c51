/** Waiting on the race clock and on asynchronous conditions, with bounded waits (never a fixed guess of speed). */

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
