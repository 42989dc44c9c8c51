/**
 * Transient items carry the table's TTL attribute, set by the code that
 * writes them: live parts, the publish claim, the open-race marker, the
 * race's admission counter and buckets, pending finals, the finalizer's
 * shard positions and the aggregator's shard watermarks, on DynamoDB Local (whose table has the same TTL setting
 * as the CDK stack). Results, race summaries and all-time items are the
 * product and never carry it.
 */
import { describe, expect, inject, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TRANSIENT_ITEM_DAYS, transientExpiresAt } from '../../core/expiresAt.js';
import {
  admittedRiderKey,
  livePartKey,
  livePublishKey,
  openRaceKey,
  pendingFinalKey,
  raceAdmissionKey,
  shardPositionKey,
  shardWatermarkKey,
} from '../../core/keys.js';
import { recordWindowClosed, recordWindowOpened } from '../../functions/aggregator/shardWatermarkStore.js';
import { writeLivePart } from '../../functions/aggregator/livePartStore.js';
import { claimPublish } from '../../functions/aggregator/publishClaim.js';
import { storeFinal, touchOpenRace } from '../../functions/finalizer/raceStore.js';
import { FINALIZER_CONSUMER, writeShardPosition } from '../../functions/finalizer/shardPositions.js';
import { TABLE } from '../../infra/settings.js';
import { documentClient } from './support.js';
import { createTestTable } from '../support/resources.js';

describe('transient items expire', () => {
  it('two weeks after their last write, in epoch seconds', () => {
    expect(TRANSIENT_ITEM_DAYS).toBe(14);
    expect(transientExpiresAt(Date.UTC(2026, 11, 7, 5, 0, 0, 999))).toBe(Date.UTC(2026, 11, 21, 5, 0, 0) / 1000);
    expect(TABLE.timeToLiveAttribute).toBe('expiresAt');
  });

  it('live parts, admissions, the publish claim, the open-race marker, pending finals and shard positions carry expiresAt', async () => {
    const { tableName } = await createTestTable(inject('dynamodbEndpoint'));
    const ddb = documentClient(inject('dynamodbEndpoint'));
    const at = Date.UTC(2026, 11, 7, 5, 0, 0);
    const iso = new Date(at).toISOString();
    const ref = { classId: 2, raceId: 7_000_001, shardId: 'shardId-000000000001' };
    await writeLivePart(ddb, tableName, ref, { r1: { output: 1.5, second: 10 } }, iso);
    await claimPublish(ddb, tableName, ref, 3, iso);
    await touchOpenRace(ddb, tableName, { classId: 2, raceId: 7_000_001 }, at);
    const final = { classId: 2, raceId: 7_000_001, racerId: 'r1', output: 90, second: 300, power: 210 };
    expect(await storeFinal(ddb, tableName, final, false, at)).toBe('stored');
    await writeShardPosition(ddb, tableName, { shardId: ref.shardId, position: at - 5_000, seenAt: at, busy: false });
    const expires = transientExpiresAt(at);
    for (const key of [
      livePartKey(ref.classId, ref.raceId, ref.shardId, 0),
      // writeLivePart admitted r1: the race's counter and r1's bucket.
      raceAdmissionKey(ref.classId, ref.raceId),
      admittedRiderKey(ref.classId, ref.raceId, 'r1'),
      livePublishKey(ref.classId, ref.raceId),
      openRaceKey(ref.classId, ref.raceId),
      pendingFinalKey(final.classId, final.raceId, final.racerId),
      shardPositionKey(FINALIZER_CONSUMER, ref.shardId),
    ]) {
      const item = (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
      expect(item?.[TABLE.timeToLiveAttribute], key.SK).toBe(expires);
    }
    // A replayed final changes nothing, its expiry included.
    expect(await storeFinal(ddb, tableName, final, false, at + 60_000)).toBe('replay');
    const kept = await ddb.send(
      new GetCommand({ TableName: tableName, Key: pendingFinalKey(2, 7_000_001, 'r1'), ConsistentRead: true }),
    );
    expect(kept.Item?.[TABLE.timeToLiveAttribute]).toBe(expires);
  });
});

describe('shard watermarks expire', () => {
  it('two weeks after their last write, whichever write it was; a refused backward write keeps the expiry', async () => {
    const { tableName } = await createTestTable(inject('dynamodbEndpoint'));
    const ddb = documentClient(inject('dynamodbEndpoint'));
    const shardId = 'shardId-000000000002';
    const key = shardWatermarkKey(shardId);
    const at = Date.UTC(2026, 11, 7, 5, 0, 0);
    const expiresAt = async () =>
      (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item?.[
        TABLE.timeToLiveAttribute
      ];

    expect(await recordWindowOpened(ddb, tableName, shardId, at, new Date(at).toISOString())).toBe(true);
    expect(await expiresAt()).toBe(transientExpiresAt(at));

    const closedAt = at + 6_000;
    const window = { start: at, end: at + 5_000 };
    expect(
      await recordWindowClosed(
        ddb,
        tableName,
        shardId,
        window,
        { '2:7': at + 5_000 },
        new Date(closedAt).toISOString(),
      ),
    ).toBe(true);
    expect(await expiresAt()).toBe(transientExpiresAt(closedAt));

    // A retried close of an older window is refused whole: the watermark and its expiry stay.
    const older = { start: at - 5_000, end: at };
    expect(
      await recordWindowClosed(ddb, tableName, shardId, older, {}, new Date(closedAt + 60_000).toISOString()),
    ).toBe(false);
    expect(await expiresAt()).toBe(transientExpiresAt(closedAt));
  });
});
