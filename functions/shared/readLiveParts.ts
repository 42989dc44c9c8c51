/** Reads every shard's LivePart of a race (the aggregator's merge step and the finalizer's closing). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LIVE_SK_PREFIX, racePk } from '../../core/keys.js';
import type { LiveRiders } from './liveRiders.js';
import { ridersOf } from './liveRiders.js';

/** Every shard's part of a race (strongly consistent, all pages). */
export async function readLiveParts(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
): Promise<LiveRiders[]> {
  const parts: LiveRiders[] = [];
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
    for (const item of page.Items ?? []) parts.push(ridersOf(item));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return parts;
}
