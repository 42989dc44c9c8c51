/**
 * Transient items carry the table's TTL attribute, set by the code that
 * writes them: live parts, the publish claim and the open-race marker, on
 * DynamoDB Local (whose table has the same TTL setting as the CDK stack).
 */
import { describe, expect, inject, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TRANSIENT_ITEM_DAYS, transientExpiresAt } from '../../core/expiresAt.js';
import { livePartKey, livePublishKey, openRaceKey } from '../../core/keys.js';
import { writeLivePart } from '../../functions/aggregator/livePartStore.js';
import { claimPublish } from '../../functions/aggregator/publishClaim.js';
import { touchOpenRace } from '../../functions/finalizer/raceStore.js';
import { TABLE } from '../../infra/settings.js';
import { documentClient } from './support.js';
import { createTestTable } from '../support/resources.js';

describe('transient items expire', () => {
  it('two weeks after their last write, in epoch seconds', () => {
    expect(TRANSIENT_ITEM_DAYS).toBe(14);
    expect(transientExpiresAt(Date.UTC(2026, 11, 7, 5, 0, 0, 999))).toBe(Date.UTC(2026, 11, 21, 5, 0, 0) / 1000);
    expect(TABLE.timeToLiveAttribute).toBe('expiresAt');
  });

  it('live parts, the publish claim and the open-race marker carry expiresAt', async () => {
    const { tableName } = await createTestTable(inject('dynamodbEndpoint'));
    const ddb = documentClient(inject('dynamodbEndpoint'));
    const at = Date.UTC(2026, 11, 7, 5, 0, 0);
    const iso = new Date(at).toISOString();
    const ref = { classId: 2, raceId: 7_000_001, shardId: 'shardId-000000000001' };
    await writeLivePart(ddb, tableName, ref, { r1: { output: 1.5, second: 10 } }, iso);
    await claimPublish(ddb, tableName, ref, 3, iso);
    await touchOpenRace(ddb, tableName, { classId: 2, raceId: 7_000_001 }, at);
    const expires = transientExpiresAt(at);
    for (const key of [
      livePartKey(ref.classId, ref.raceId, ref.shardId, 0),
      livePublishKey(ref.classId, ref.raceId),
      openRaceKey(ref.classId, ref.raceId),
    ]) {
      const item = (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
      expect(item?.[TABLE.timeToLiveAttribute], key.SK).toBe(expires);
    }
  });
});
