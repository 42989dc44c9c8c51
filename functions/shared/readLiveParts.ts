/** Reads every shard's LivePart of a race (the aggregator's merge step and the finalizer's closing). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LIVE_SK_PREFIX, racePk } from '../../core/keys.js';
import type { LiveRiders } from './liveRiders.js';
import { ridersOf } from './liveRiders.js';

/** Where a shard's part of a race is: the window it was last written for, and how often it was written (its riders are not read). */
export interface PartWindow {
  shardId: string;
  /** Epoch ms of the newest window the shard closed for the race; undefined on parts that never recorded one. */
  windowStart: number | undefined;
  /** Writes the part has had (each adds one). */
  version: number;
}

/** The window recorded on a LivePart item (undefined on parts written before windows were recorded). */
export function windowStartOf(item: Record<string, unknown> | undefined): number | undefined {
  return typeof item?.windowStart === 'number' ? item.windowStart : undefined;
}

function shardIdOf(item: Record<string, unknown>): string {
  return typeof item.SK === 'string' ? item.SK.slice(LIVE_SK_PREFIX.length) : '';
}

/** Every item of the race's live parts (strongly consistent, all pages); `projection` limits the attributes returned. */
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
        ConsistentRead: true,
        ExclusiveStartKey: start,
        ...(projection === undefined ? {} : { ProjectionExpression: projection }),
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** Every shard's part of a race (strongly consistent, all pages). */
export async function readLiveParts(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
): Promise<LiveRiders[]> {
  return (await queryParts(ddb, tableName, classId, raceId)).map((item) => ridersOf(item));
}

/**
 * Where every shard's part of a race is, without its riders: what a closer
 * needs to decide whether it publishes (publishDecision.ts). Most closers of
 * a window do not publish, and a part holds every rider its shard saw, so the
 * decision reads only the key and the window (a strongly consistent Query
 * with a projection; the read units are the same, the bytes moved and parsed
 * are not).
 */
export async function readLivePartWindows(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
): Promise<PartWindow[]> {
  const items = await queryParts(ddb, tableName, classId, raceId, 'SK, windowStart, version');
  return items.map((item) => ({
    shardId: shardIdOf(item),
    windowStart: windowStartOf(item),
    version: typeof item.version === 'number' ? item.version : 0,
  }));
}
