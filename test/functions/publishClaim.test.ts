import { describe, expect, it } from 'vitest';
import { snapshotProgress } from '../../core/livePublish.js';
import { claimBoards, claimPublish, readWindowClaim } from '../../functions/aggregator/publishClaim.js';
import { livePublishKey } from '../../core/keys.js';
import { readItem } from '../support/readItem.js';
import { createTestTable } from '../support/resources.js';
import { useTestTable } from '../support/useTestTable.js';
import { documentClient } from './support.js';

describe('claiming a live snapshot for publishing (DynamoDB Local)', () => {
  const table = useTestTable();
  const at = '2026-11-23T09:00:00.000Z';
  const ref = (shardId: string) => ({ classId: 4, raceId: 77, shardId });

  it('measures a snapshot by the writes its parts have had', () => {
    expect(
      snapshotProgress([
        { shardId: 'a', windowStart: 5000, version: 3 },
        { shardId: 'b', windowStart: undefined, version: 1 },
      ]),
    ).toBe(4);
  });

  it('lets the first closer of a snapshot publish it, another shard with the same snapshot not, and a newer snapshot again', async () => {
    const ddb = documentClient(table.endpoint);
    expect(await claimPublish(ddb, table.tableName, ref('s0'), 8, at)).toBe(true);
    expect(await claimPublish(ddb, table.tableName, ref('s1'), 8, at)).toBe(false);
    expect(await claimPublish(ddb, table.tableName, ref('s2'), 7, at)).toBe(false);
    // Lambda's retry of the claimer's final invocation (same shard, same snapshot) may publish again.
    expect(await claimPublish(ddb, table.tableName, ref('s0'), 8, at)).toBe(true);
    expect(await claimPublish(ddb, table.tableName, ref('s1'), 9, at)).toBe(true);
    const marker = await readItem(ddb, table.tableName, livePublishKey(4, 77));
    expect(marker).toMatchObject({ progress: 9, claimant: 's1', itemType: 'LivePublish', classId: 4, raceId: 77 });
  });

  it('gives exactly one of many concurrent claims of the same snapshot', async () => {
    const ddb = documentClient(table.endpoint);
    const wins = await Promise.all(
      ['a', 'b', 'c', 'd', 'e', 'f'].map((s) =>
        claimPublish(ddb, table.tableName, { classId: 5, raceId: 1, shardId: s }, 24, at),
      ),
    );
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it("claims a window's boards once: one of many concurrent closers, its own retry again, never an older window", async () => {
    const { tableName: own } = await createTestTable(table.endpoint);
    const ddb = documentClient(table.endpoint);
    const closers = ['a', 'b', 'c', 'd'];
    const wins = await Promise.all(closers.map((s) => claimBoards(ddb, own, s, 10_000, closers, at)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const claim = await readWindowClaim(ddb, own);
    expect(claim).toEqual({ windowEnd: 10_000, claimant: closers[wins.indexOf(true)], closers });
    // Lambda's retry of the claimer's final invocation publishes again; another closer of the window does not.
    expect(await claimBoards(ddb, own, claim!.claimant, 10_000, closers, at)).toBe(true);
    expect(await claimBoards(ddb, own, closers.find((s) => s !== claim!.claimant)!, 10_000, closers, at)).toBe(false);
    // A newer window is claimed anew; the older one never again.
    expect(await claimBoards(ddb, own, 'b', 15_000, ['b'], at)).toBe(true);
    expect(await claimBoards(ddb, own, 'c', 10_000, closers, at)).toBe(false);
    expect(await readWindowClaim(ddb, own)).toEqual({ windowEnd: 15_000, claimant: 'b', closers: ['b'] });
  });
});
