import { describe, expect, it } from 'vitest';
import { createRingBuffer } from '../../local/ops/ringBuffer.js';

describe('the ring buffer', () => {
  it('keeps items oldest first until it is full', () => {
    const ring = createRingBuffer<number>(3);
    expect(ring.toArray()).toEqual([]);
    expect(ring.last()).toBeUndefined();
    ring.push(1);
    ring.push(2);
    expect(ring.toArray()).toEqual([1, 2]);
    expect(ring.size).toBe(2);
    expect(ring.last()).toBe(2);
  });

  it('drops the oldest items once full, across many wrap-arounds', () => {
    const ring = createRingBuffer<number>(3);
    for (let i = 1; i <= 10; i += 1) ring.push(i);
    expect(ring.toArray()).toEqual([8, 9, 10]);
    expect(ring.size).toBe(3);
    expect(ring.last()).toBe(10);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createRingBuffer(0)).toThrow(RangeError);
    expect(() => createRingBuffer(2.5)).toThrow('positive integer');
  });
});
