import { describe, expect, it } from 'vitest';
import { closesLast } from '../../functions/aggregator/publishDecision.js';

const W = 5000;
const at = (shardId: string, windowStart: number | undefined) => ({ shardId, windowStart });

describe('who publishes a window: the last closer', () => {
  it('skips while another shard is one window behind, publishes when none is', () => {
    expect(closesLast([at('a', 20_000), at('b', 15_000)], 'a', 20_000, W)).toBe(false);
    expect(closesLast([at('a', 20_000), at('b', 20_000)], 'a', 20_000, W)).toBe(true);
    // Another shard ahead (this closer is the one behind): publish what is stored.
    expect(closesLast([at('a', 20_000), at('b', 30_000)], 'a', 20_000, W)).toBe(true);
  });

  it('ignores parts two or more windows behind, parts without a window, and its own part', () => {
    expect(closesLast([at('a', 20_000), at('b', 10_000), at('c', undefined)], 'a', 20_000, W)).toBe(true);
    expect(closesLast([at('a', 15_000)], 'a', 20_000, W)).toBe(true);
  });

  it('never leaves a window unpublished when shards had windows on different boundaries', () => {
    // Shard b's windows start 2 s after shard a's: each overlaps the other's, none waits on the other.
    expect(closesLast([at('a', 10_000), at('b', 7_000)], 'a', 10_000, W)).toBe(true);
    expect(closesLast([at('a', 10_000), at('b', 12_000)], 'b', 12_000, W)).toBe(true);
    // b a whole window behind a still holds a back (b will close the window after).
    expect(closesLast([at('a', 10_000), at('b', 3_000)], 'a', 10_000, W)).toBe(false);
  });

  it('the closer furthest behind always publishes, whatever the others are at', () => {
    for (const others of [
      [12_000, 17_000],
      [10_000, 10_000],
      [11_000, 30_000],
    ]) {
      const parts = [at('x', 10_000), ...others.map((w, i) => at(`s${i}`, w))];
      expect(closesLast(parts, 'x', 10_000, W)).toBe(true);
    }
  });
});
