/** A fixed-capacity buffer that keeps the newest items (the ops view's time series). */
export interface RingBuffer<T> {
  readonly capacity: number;
  /** Number of items held (at most `capacity`). */
  readonly size: number;
  /** Appends an item, dropping the oldest when full. */
  push(item: T): void;
  /** Items oldest first. */
  toArray(): T[];
  /** The newest item. */
  last(): T | undefined;
}

export function createRingBuffer<T>(capacity: number): RingBuffer<T> {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`ring buffer capacity must be a positive integer, got ${capacity}`);
  const items: (T | undefined)[] = new Array<T | undefined>(capacity);
  let next = 0;
  let size = 0;
  return {
    capacity,
    get size() {
      return size;
    },
    push(item) {
      items[next] = item;
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
    },
    toArray() {
      const out: T[] = [];
      const first = (next - size + capacity) % capacity;
      for (let i = 0; i < size; i += 1) out.push(items[(first + i) % capacity] as T);
      return out;
    },
    last() {
      return size === 0 ? undefined : items[(next - 1 + capacity) % capacity];
    },
  };
}
