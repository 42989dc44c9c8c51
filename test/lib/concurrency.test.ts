/** The counting semaphore that bounds how many records the all-time consumer applies at once. */
import { describe, expect, it } from 'vitest';
import { concurrencyLimit, forEachLimited } from '../../lib/concurrency.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('concurrencyLimit', () => {
  it('runs at most `limit` tasks at once, in arrival order, and returns each result', async () => {
    const limit = concurrencyLimit(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        limit.run(async () => {
          started.push(i);
          running += 1;
          most = Math.max(most, running);
          await tick();
          running -= 1;
          return i * 2;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it('frees the slot of a task that fails, and passes its error on', async () => {
    const limit = concurrencyLimit(1);
    const failing = limit.run(async () => {
      throw new Error('boom');
    });
    const after = limit.run(async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    await expect(after).resolves.toBe('ran');
  });

  it('treats a limit below one as one', async () => {
    const limit = concurrencyLimit(0);
    let running = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        limit.run(async () => {
          running += 1;
          most = Math.max(most, running);
          await tick();
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  });
});

describe('forEachLimited', () => {
  it('takes every item once, in order, with at most `limit` in flight', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await forEachLimited(
      Array.from({ length: 9 }, (_, i) => i),
      4,
      async (item) => {
        started.push(item);
        running += 1;
        most = Math.max(most, running);
        for (let t = 0; t < (item % 3) + 1; t += 1) await tick();
        running -= 1;
      },
    );
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(most).toBe(4);
  });

  it('does nothing for no items and treats a limit below 1 as 1', async () => {
    const seen: string[] = [];
    await forEachLimited([], 4, async (item: string) => {
      seen.push(item);
    });
    await forEachLimited(['a', 'b'], 0, async (item) => {
      seen.push(item);
    });
    expect(seen).toEqual(['a', 'b']);
  });
});
