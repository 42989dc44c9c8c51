/**
 * The Query of one race's LivePart items (PK RACE#c#raceId, SK LIVE#shardId),
 * shared by the two functions of Query.liveRankings.
 */
import type { DynamoDBQueryRequest } from '@aws-appsync/utils';
import { LIVE_SK_PREFIX, PK, racePk, SK } from '../../core/keys.js';
import { partitionQuery } from './query.js';

/**
 * Every part of one race. One item per Kinesis shard, each well under
 * DynamoDB's 1 MB page (a 1,000-rider part is about 60 KB), so one page holds
 * them all.
 */
export function livePartsQuery(classId: number, raceId: number): DynamoDBQueryRequest {
  return partitionQuery({
    pkName: PK,
    pk: racePk(classId, raceId),
    skName: SK,
    skPrefix: LIVE_SK_PREFIX,
    forward: true,
  });
}
