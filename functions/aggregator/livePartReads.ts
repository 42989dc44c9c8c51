/**
 * Reads of a race's LivePart items: the aggregator's publish step, and the
 * finalizer when it closes a race (the riders seen live).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LIVE_SK_PREFIX, racePk } from '../../core/keys.js';
import type { LiveRiders } from '../../core/livePart.js';
import { decodeRiders } from '../../core/livePart.js';
import { snapshotProgress } from '../../core/livePublish.js';
import { queryAllItems } from '../runtime/queryAllItems.js';

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

/** Every item of the race's live parts (strongly consistent, all pages). */
async function queryParts(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
): Promise<Array<Record<string, unknown>>> {
  return queryAllItems(ddb, {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :live)',
    ExpressionAttributeValues: { ':pk': racePk(classId, raceId), ':live': LIVE_SK_PREFIX },
    ConsistentRead: true,
  });
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

/** Every shard's riders of a race with the snapshot's progress (core/livePublish.ts snapshotProgress). */
export interface LiveSnapshot {
  parts: LiveRiders[];
  progress: number;
}

/** Every page of a race's parts and their progress, in one strongly consistent read. */
export async function readLiveSnapshot(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
): Promise<LiveSnapshot> {
  const items = await queryParts(ddb, tableName, classId, raceId);
  return {
    parts: items.map((item) => ridersOfItem(item)),
    progress: snapshotProgress(items.map((item) => ({ version: typeof item.version === 'number' ? item.version : 0 }))),
  };
}
