/**
 * The Query of one race's LivePart items (PK RACE#c#raceId, SK LIVE#shardId),
 * shared by the two functions of Query.liveRankings.
 */
import type { DynamoDBQueryRequest } from '@aws-appsync/utils';
import { LIVE_SK_PREFIX, PK, racePk, SK } from '../../core/keys.js';
import { partitionQuery } from './query.js';

/**
 * The parts of one race: every page of every shard's part
 * (core/livePartPages.ts). DynamoDB returns at most 1 MB per Query page; a
 * race at the default cap of 5,000 riders holds about 0.5 MB (2 MB with
 * every name and racerId at its longest), so getLiveParts reads the first
 * page and getMoreLiveParts the next one when there is one.
 */
export function livePartsQuery(classId: number, raceId: number, nextToken?: string | null): DynamoDBQueryRequest {
  return partitionQuery({
    pkName: PK,
    pk: racePk(classId, raceId),
    skName: SK,
    skPrefix: LIVE_SK_PREFIX,
    forward: true,
    nextToken,
  });
}
