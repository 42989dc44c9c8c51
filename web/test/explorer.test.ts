import { describe, expect, it } from 'vitest';
import { singleOperation } from '../src/lib/singleOperation.js';
import { observerToAsyncIterable } from '../src/lib/observerToAsyncIterable.js';

describe('explorer helpers', () => {
  it('cuts a document with several operations down to the one to run, keeping fragments', () => {
    const doc = `query A { raceClasses { classId } }
      subscription B($c: Int!) { onLiveRankings(classId: $c) { ...F } }
      fragment F on LiveRankings { raceId }`;
    const single = singleOperation(doc, 'B');
    expect(single).toContain('subscription B');
    expect(single).toContain('fragment F on LiveRankings');
    expect(single).not.toContain('query A');
  });

  it('turns subscription callbacks into an async iterator that unsubscribes when the consumer stops', async () => {
    let stopped = false;
    let push: ((n: number) => void) | undefined;
    const it = observerToAsyncIterable<number>((observer) => {
      push = (n) => observer.next(n);
      return () => {
        stopped = true;
      };
    });
    push?.(1);
    push?.(2);
    expect(await it.next()).toEqual({ value: 1, done: false });
    expect(await it.next()).toEqual({ value: 2, done: false });
    const pending = it.next();
    push?.(3);
    expect(await pending).toEqual({ value: 3, done: false });
    await it.return?.();
    expect(stopped).toBe(true);
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('ends the iterator with the subscription error', async () => {
    const it = observerToAsyncIterable<number>((observer) => {
      setTimeout(() => observer.error(new Error('Unauthorized')), 1);
      return () => undefined;
    });
    await expect(it.next()).rejects.toThrow('Unauthorized');
  });
});
