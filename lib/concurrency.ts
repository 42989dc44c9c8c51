/**
 * A counting semaphore: at most `limit` tasks run at once, the others wait in
 * arrival order.
 */
export interface ConcurrencyLimit {
  /** Runs `task` once a slot is free; the slot is released when it settles. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** A limit of `limit` concurrent tasks (at least 1). */
export function concurrencyLimit(limit: number): ConcurrencyLimit {
  const max = Math.max(1, Math.floor(limit));
  let running = 0;
  const waiting: Array<() => void> = [];
  function release(): void {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  }
  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < max) running += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/**
 * Runs `task` on every item, at most `limit` at once, taking the items in
 * order (a pool of workers, so a slow item does not hold back a whole batch).
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(Math.max(1, Math.floor(limit)), items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  });
  await Promise.all(workers);
}

/** Splits `items` into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
