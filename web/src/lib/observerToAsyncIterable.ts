/**
 * Turns a callback subscription into an async iterator (what GraphiQL's
 * fetcher returns for subscriptions). Values are buffered until read;
 * `return()` (the consumer stopping) unsubscribes.
 */
export function observerToAsyncIterable<T>(
  subscribe: (observer: { next(value: T): void; error(err: Error): void; complete(): void }) => () => void,
): AsyncIterableIterator<T> {
  const buffer: T[] = [];
  const waiting: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: Error) => void }> = [];
  let done = false;
  let failure: Error | null = null;
  const finish = (): void => {
    done = true;
    for (const w of waiting.splice(0)) {
      if (failure) w.reject(failure);
      else w.resolve({ value: undefined, done: true });
    }
  };
  const unsubscribe = subscribe({
    next(value) {
      if (done) return;
      const w = waiting.shift();
      if (w) w.resolve({ value, done: false });
      else buffer.push(value);
    },
    error(err) {
      failure = err;
      finish();
    },
    complete() {
      finish();
    },
  });
  const iterator: AsyncIterableIterator<T> = {
    next() {
      const value = buffer.shift();
      if (value !== undefined) return Promise.resolve({ value, done: false });
      if (failure) return Promise.reject(failure);
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    return() {
      unsubscribe();
      done = true;
      buffer.length = 0;
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
