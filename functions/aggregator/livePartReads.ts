/**
 * Reads of a race's LivePart items: the aggregator's merge and publish steps,
 * and the finalizer when it closes a race (the riders seen live).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LIVE_SK_PREFIX, livePartOfSortKey, racePk } from '../../core/keys.js';
import type { LiveRiders } from '../../core/livePart.js';
import { decodeRiders } from '../../core/livePart.js';

/** Where a shard's part of a race is: the window it was last written for, and how often it was written. */
export interface PartWindow {
  shardId: string;
  /** Epoch ms of the newest window the shard closed for the race; undefined on parts that never recorded one. */
  windowStart: number | undefined;
  /** Writes the part has had (each adds one). */
  version: number;
}

/**
 * The riders of a stored LivePart item. Node's JSON.parse throws on a
 * `riders` string that is not JSON, where APPSYNC_JS's answers '': such a
 * part reads as no riders in both (the next window's write replaces it).
 */
export function ridersOfItem(item: Record<string, unknown> | undefined): LiveRiders {
  try {
    return decodeRiders(item?.riders);
  } catch (error) {
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}

/** The window recorded on a LivePart item (undefined when it has none). */
export function windowStartOf(item: Record<string, unknown> | undefined): number | undefined {
  return typeof item?.windowStart === 'number' ? item.windowStart : undefined;
}

function shardIdOf(item: Record<string, unknown>): string {
  return typeof item.SK === 'string' ? livePartOfSortKey(item.SK).shardId : '';
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

/** Every shard's riders of a race, one entry per stored page (strongly consistent, all Query pages). */
export async function readLiveParts(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
): Promise<LiveRiders[]> {
  return (await queryParts(ddb, tableName, classId, raceId)).map((item) => ridersOfItem(item));
}

/**
 * Where every shard's part of a race is, without its riders: what a closer
 * needs to decide whether it publishes (publishDecision.ts). Most closers do
 * not publish and a part holds every rider its shard saw, so this reads only
 * the key, the window and the version (same read units, far fewer bytes).
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
