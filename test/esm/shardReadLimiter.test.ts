import { describe, expect, it } from 'vitest';
import { awaitShardReadSlot } from '../../local/esm/shardReadLimiter.js';

describe('the per-shard GetRecords limit shared by all consumers', () => {
  it('spaces calls on one shard by 200 ms whoever makes them, and leaves other shards alone', async () => {
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
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 190);
    // Another shard is not held back.
    const other = Date.now();
    await awaitShardReadSlot(`${key}-other`);
    expect(Date.now() - other).toBeLessThan(50);
  });
});
