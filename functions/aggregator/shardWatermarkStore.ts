/**
 * DynamoDB adapter of the shards' window watermarks (core/shardWatermark.ts):
 * one item per stream shard, written only by that shard's aggregator (when it
 * opens a window after being idle, and when it closes one naming a different
 * set of races than its item holds), read by every closer with one strongly
 * consistent Query; and the watermarks page 0 of the parts carry, read per
 * race. Each write sets the item's TTL (core/expiresAt.ts): a shard that writes
 * no more (resharded away, a stream replaced) leaves no item behind.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ITEM_SHARD_WATERMARK,
  LIVE_SK_PREFIX,
  SHARD_WATERMARK_PK,
  livePartOfSortKey,
  racePk,
  shardWatermarkKey,
  windowClaimKey,
} from '../../core/keys.js';
import { transientExpiresAt } from '../../core/expiresAt.js';
import type { ShardWatermark, WindowSpan } from '../../core/shardWatermark.js';
import { writtenUnlessConditionFails } from '../runtime/conditionalWrite.js';
import type { WindowClaim } from './publishClaim.js';
import { windowClaimOf } from './publishClaim.js';
import { queryAllItems } from '../runtime/queryAllItems.js';

/**
 * Sets `set` on `shardId`'s watermark item, with its type, shard, time and
 * TTL, when `condition` holds (false when it does not).
 */
function writeWatermark(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  shardId: string,
  set: string,
  condition: string,
  values: Record<string, unknown>,
  updatedAt: string,
): Promise<boolean> {
  return writtenUnlessConditionFails(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: shardWatermarkKey(shardId),
        UpdateExpression: `SET ${set}, itemType = :t, shardId = :s, updatedAt = :at, expiresAt = :exp`,
        ConditionExpression: condition,
        ExpressionAttributeValues: {
          ...values,
          ':t': ITEM_SHARD_WATERMARK,
          ':s': shardId,
          ':at': updatedAt,
          ':exp': transientExpiresAt(Date.parse(updatedAt)),
        },
      }),
    ),
  );
}

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
  return writeWatermark(
    ddb,
    tableName,
    shardId,
    'closedEnd = :e, races = :r',
    'attribute_not_exists(closedEnd) OR closedEnd <= :e',
    { ':e': window.end, ':r': races },
    updatedAt,
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
  return writeWatermark(
    ddb,
    tableName,
    shardId,
    'openStart = :o',
    'attribute_not_exists(openStart) OR openStart < :o',
    { ':o': windowStart },
    updatedAt,
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
  return (await readWatermarkItems(ddb, tableName)).marks;
}

/** Every shard's watermark and the window claim that shares their partition (one strongly consistent Query). */
export async function readWatermarkItems(
  ddb: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ marks: ShardWatermark[]; claim: WindowClaim | undefined }> {
  const out: ShardWatermark[] = [];
  let claim: WindowClaim | undefined;
  const items = await queryAllItems(ddb, {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': SHARD_WATERMARK_PK },
    ConsistentRead: true,
  });
  for (const item of items) {
    if (item.SK === windowClaimKey().SK) claim = windowClaimOf(item);
    if (typeof item.shardId !== 'string') continue;
    out.push({
      shardId: item.shardId,
      closedEnd: numberOr(item.closedEnd),
      openStart: numberOr(item.openStart),
      races: racesOf(item.races),
    });
  }
  return { marks: out, claim };
}

/**
 * The shard watermarks page 0 of a race's parts carry (core/livePart.ts),
 * strongly consistent; the riders are left out of the answer.
 */
export async function readPartWatermarks(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
): Promise<ShardWatermark[]> {
  const out: ShardWatermark[] = [];
  const items = await queryAllItems(ddb, {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :live)',
    ExpressionAttributeValues: { ':pk': racePk(classId, raceId), ':live': LIVE_SK_PREFIX },
    ProjectionExpression: 'SK, closedEnd, races',
    ConsistentRead: true,
  });
  for (const item of items) {
    const at = livePartOfSortKey(typeof item.SK === 'string' ? item.SK : '');
    const closedEnd = numberOr(item.closedEnd);
    if (at.page !== 0 || closedEnd === undefined) continue;
    out.push({ shardId: at.shardId, closedEnd, openStart: undefined, races: racesOf(item.races) });
  }
  return out;
}
