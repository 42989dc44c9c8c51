/** Reads every shard's LivePart of a race (the aggregator's merge step and the finalizer's closing). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LIVE_SK_PREFIX, racePk } from '../../core/keys.js';
import type { LiveRiders } from './liveRiders.js';
import { ridersOf } from './liveRiders.js';

/** One shard's part of a race: its riders and the window it was last written for. */
export interface LivePart {
  shardId: string;
  /** Epoch ms of the newest window the shard closed for the race; undefined on parts that never recorded one. */
  windowStart: number | undefined;
  riders: LiveRiders;
}

/** Every item of the race's live parts (strongly consistent, all pages). */
async function queryParts(ddb: DynamoDBDocumentClient, tableName: string, classId: number, raceId: number): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :live)',
        ExpressionAttributeValues: { ':pk': racePk(classId, raceId), ':live': LIVE_SK_PREFIX },
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
 * Every shard's part of a race with the window it is at (the aggregator
 * decides from them who publishes, and ranks the same read).
 */
export async function readLivePartItems(ddb: DynamoDBDocumentClient, tableName: string, classId: number, raceId: number): Promise<LivePart[]> {
  const items = await queryParts(ddb, tableName, classId, raceId);
  return items.map((item) => ({
    shardId: typeof item.SK === 'string' ? item.SK.slice(LIVE_SK_PREFIX.length) : '',
    windowStart: typeof item.windowStart === 'number' ? item.windowStart : undefined,
    riders: ridersOf(item),
  }));
}
