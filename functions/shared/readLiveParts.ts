/** Reads every shard's LivePart of a race (the aggregator's merge step and the finalizer's closing). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LIVE_SK_PREFIX, racePk } from '../../core/keys.js';
import type { LiveRiders } from './liveRiders.js';
import { ridersOf } from './liveRiders.js';

/** Which window a shard's part of a race was last written for. */
export interface LivePartWindow {
  shardId: string;
  /** Epoch ms of the newest window the shard closed for the race; undefined on parts that never recorded one. */
  windowStart: number | undefined;
}

/** Every item of the race's live parts (strongly consistent, all pages), optionally projected. */
async function queryParts(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
  projection?: string,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :live)',
        ExpressionAttributeValues: { ':pk': racePk(classId, raceId), ':live': LIVE_SK_PREFIX },
        ...(projection === undefined ? {} : { ProjectionExpression: projection }),
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** Every shard's part of a race (strongly consistent, all pages). */
export async function readLiveParts(ddb: DynamoDBDocumentClient, tableName: string, classId: number, raceId: number): Promise<LiveRiders[]> {
  return (await queryParts(ddb, tableName, classId, raceId)).map((item) => ridersOf(item));
}

/**
 * The window each shard's part of a race is at, without the riders (a few
 * bytes per part instead of the whole race): enough to decide who publishes.
 */
export async function readLivePartWindows(ddb: DynamoDBDocumentClient, tableName: string, classId: number, raceId: number): Promise<LivePartWindow[]> {
  const items = await queryParts(ddb, tableName, classId, raceId, 'SK, windowStart');
  return items.map((item) => ({
    shardId: typeof item.SK === 'string' ? item.SK.slice(LIVE_SK_PREFIX.length) : '',
    windowStart: typeof item.windowStart === 'number' ? item.windowStart : undefined,
  }));
}
