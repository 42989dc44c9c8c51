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
