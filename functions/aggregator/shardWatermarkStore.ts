/**
 * DynamoDB adapter of the shards' window watermarks (core/shardWatermark.ts):
 * one item per stream shard, written only by that shard's aggregator (one
 * write when it closes a window, one when it opens a window after being
 * idle), read by every closer with one strongly consistent Query.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_SHARD_WATERMARK, SHARD_WATERMARK_PK, shardWatermarkKey } from '../../core/keys.js';
import type { ShardWatermark, WindowSpan } from '../../core/shardWatermark.js';
import { writtenUnlessConditionFails } from '../runtime/conditionalWrite.js';

/**
 * Records that `shardId` closed `window` and the races it keeps on its
 * watermark. A watermark never moves backwards: a retried close of an older
 * window changes nothing (false).
 */
export async function recordWindowClosed(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  shardId: string,
  window: WindowSpan,
  races: Record<string, number>,
  updatedAt: string,
): Promise<boolean> {
  return writtenUnlessConditionFails(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: shardWatermarkKey(shardId),
        UpdateExpression: 'SET closedEnd = :e, races = :r, itemType = :t, shardId = :s, updatedAt = :at',
        ConditionExpression: 'attribute_not_exists(closedEnd) OR closedEnd <= :e',
        ExpressionAttributeValues: {
          ':e': window.end,
          ':r': races,
          ':t': ITEM_SHARD_WATERMARK,
          ':s': shardId,
          ':at': updatedAt,
        },
      }),
    ),
  );
}

/** Records that `shardId` opened the window starting at `windowStart` (never moves backwards). */
export async function recordWindowOpened(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  shardId: string,
  windowStart: number,
  updatedAt: string,
): Promise<boolean> {
  return writtenUnlessConditionFails(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: shardWatermarkKey(shardId),
        UpdateExpression: 'SET openStart = :o, itemType = :t, shardId = :s, updatedAt = :at',
        ConditionExpression: 'attribute_not_exists(openStart) OR openStart < :o',
        ExpressionAttributeValues: { ':o': windowStart, ':t': ITEM_SHARD_WATERMARK, ':s': shardId, ':at': updatedAt },
      }),
    ),
  );
}

function numberOr(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function racesOf(value: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return out;
  for (const [race, end] of Object.entries(value as Record<string, unknown>)) {
    if (typeof end === 'number' && Number.isFinite(end)) out[race] = end;
  }
  return out;
}

/** Every shard's watermark (strongly consistent, all Query pages). */
export async function readWatermarks(ddb: DynamoDBDocumentClient, tableName: string): Promise<ShardWatermark[]> {
  const out: ShardWatermark[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': SHARD_WATERMARK_PK },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      if (typeof item.shardId !== 'string') continue;
      out.push({
        shardId: item.shardId,
        closedEnd: numberOr(item.closedEnd),
        openStart: numberOr(item.openStart),
        races: racesOf(item.races),
      });
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return out;
}
