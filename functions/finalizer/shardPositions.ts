/**
 * DynamoDB adapter of the finalizer's shard positions (core/keys.ts
 * shardPositionKey): each shard's invocations record the newest arrival time
 * they have processed, and every closer reads them all before closing a race.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_SHARD_POSITION, SHARD_SK_PREFIX, consumerPk, shardPositionKey } from '../../core/keys.js';
import type { ShardPosition } from './raceClosing.js';
import { transientExpiresAt } from '../../core/expiresAt.js';
import { queryAllItems } from '../runtime/queryAllItems.js';

/** The consumer name the finalizer's positions are kept under. */
export const FINALIZER_CONSUMER = 'finalizer';

/**
 * Records that `shardId` has processed every record that arrived up to
 * `position.position`, at `position.seenAt`, and whether an invocation is
 * running on it. Overwrites: a shard has one reader at
 * a time (parallelization factor 1), and a position that goes back (a batch
 * retried from an earlier checkpoint) is the truth.
 */
export async function writeShardPosition(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  position: ShardPosition,
): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...shardPositionKey(FINALIZER_CONSUMER, position.shardId),
        itemType: ITEM_SHARD_POSITION,
        shardId: position.shardId,
        position: position.position,
        seenAt: position.seenAt,
        busy: position.busy,
        // A shard the stream no longer has (resharded away) is forgotten two weeks after its last read.
        expiresAt: transientExpiresAt(position.seenAt),
      },
    }),
  );
}

/** Every shard position the finalizer has recorded (a handful of items: one per shard the stream ever had). */
export async function readShardPositions(ddb: DynamoDBDocumentClient, tableName: string): Promise<ShardPosition[]> {
  const out: ShardPosition[] = [];
  const items = await queryAllItems(ddb, {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :s)',
    ExpressionAttributeValues: { ':pk': consumerPk(FINALIZER_CONSUMER), ':s': SHARD_SK_PREFIX },
    ConsistentRead: true,
  });
  for (const item of items) {
    if (typeof item.shardId === 'string' && typeof item.position === 'number' && typeof item.seenAt === 'number') {
      out.push({ shardId: item.shardId, position: item.position, seenAt: item.seenAt, busy: item.busy === true });
    }
  }
  return out;
}
