/**
 * DynamoDB adapter of the LivePart items: one item per (race, shard), written
 * only by the aggregator of that shard, with optimistic concurrency on
 * `version` so that two invocations (a retried final invocation racing a late
 * one, or a resharded stream) can never lose each other's riders.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_LIVE_PART, livePartKey } from '../../core/keys.js';
import { ConflictError } from '../shared/errors.js';
import type { LiveRiders } from '../shared/liveRiders.js';
import { mergeLiveRiders, ridersOf } from '../shared/liveRiders.js';

export interface LivePartRef {
  classId: number;
  raceId: number;
  shardId: string;
}

export interface WriteOutcome {
  /** False when the stored part already held everything (a replay): nothing written. */
  written: boolean;
  version: number;
  /** PutItem calls made (conflicts cause more than one). */
  putCalls: number;
}

const MAX_CONFLICTS = 10;

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/**
 * Merges `incoming` into the stored part: GetItem (strongly consistent), merge
 * (newest second per rider wins), PutItem conditioned on the version read.
 * A lost race re-reads and merges again.
 */
export async function writeLivePart(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: LivePartRef,
  incoming: LiveRiders,
  updatedAt: string,
): Promise<WriteOutcome> {
  const key = livePartKey(ref.classId, ref.raceId, ref.shardId);
  let putCalls = 0;
  for (let conflict = 0; conflict < MAX_CONFLICTS; conflict += 1) {
    const got = await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const item = got.Item;
    const version = typeof item?.version === 'number' ? item.version : 0;
    const { riders, changed } = mergeLiveRiders(ridersOf(item), incoming);
    if (!changed && item !== undefined) return { written: false, version, putCalls };
    try {
      putCalls += 1;
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...key,
            itemType: ITEM_LIVE_PART,
            classId: ref.classId,
            raceId: ref.raceId,
            shardId: ref.shardId,
            riders,
            version: version + 1,
            updatedAt,
          },
          ConditionExpression: 'attribute_not_exists(PK) OR version = :expected',
          ExpressionAttributeValues: { ':expected': version },
        }),
      );
      return { written: true, version: version + 1, putCalls };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new ConflictError(`live part ${key.PK} ${key.SK} kept changing under ${MAX_CONFLICTS} attempts`);
}
