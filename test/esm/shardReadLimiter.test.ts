import { describe, expect, it } from 'vitest';
import { awaitShardReadSlot } from '../../local/esm/shardReadLimiter.js';

describe('the per-shard GetRecords limit shared by all consumers', () => {
  it('lets the n-th call on one shard through no earlier than n × 200 ms, whoever makes them, and leaves other shards alone', async () => {
    const key = `arn:test/${Date.now()}/shardId-000000000000`;
    const times: number[] = [];
    const consumer = async (): Promise<void> => {
      for (let i = 0; i < 3; i += 1) {
        await awaitShardReadSlot(key);
        times.push(Date.now());
      }
    };
    const started = Date.now();
    // Two mappings polling the same shard as fast as they can.
    await Promise.all([consumer(), consumer()]);
    times.sort((a, b) => a - b);
    // The n-th call on the shard comes no earlier than n × 200 ms after the
    // first could: at most 5 calls per second, whoever makes them. (Gaps
    // between two calls can be shorter when the earlier one woke late under
    // load; the schedule of slots is what the limit is about. Timers may fire
    // ~1 ms early, hence the small tolerance.)
    times.forEach((t, n) => expect(t - started, `call ${n}`).toBeGreaterThanOrEqual(n * 200 - 5));
    expect(times.length).toBe(6);
    // Another shard is not held back.
    const other = Date.now();
    await awaitShardReadSlot(`${key}-other`);
    expect(Date.now() - other).toBeLessThan(50);
  });
});
