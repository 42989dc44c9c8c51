/**
 * Pipeline function of Query.racer: the rider's newest results, from GSI2
 * (GSI2PK RACER#id, GSI2SK RESULT#<padded raceId>#<classId>, read
 * descending), in ctx.stash.recentResults.
 */
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { GSI2, GSI2PK, GSI2SK, racerPk, RESULT_SK_PREFIX } from '../../core/keys.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { partitionQuery } from '../lib/query.js';

/** How many recent results RacerStats shows. */
export const RECENT_RESULTS = 20;

export function request(ctx: Context): DynamoDBQueryRequest {
  return partitionQuery({
    index: GSI2,
    pkName: GSI2PK,
    pk: racerPk(ctx.stash.racerId as string),
    skName: GSI2SK,
    skPrefix: RESULT_SK_PREFIX,
    forward: false,
    limit: RECENT_RESULTS,
  });
}

export function response(ctx: Context): unknown[] {
  raiseDataSourceError(ctx);
  const items = (ctx.result.items ?? []) as unknown[];
  ctx.stash.recentResults = items;
  return items;
}
