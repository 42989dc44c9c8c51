/**
 * Pipeline function of Query.racer: the rider's AllTime items
 * (PK RACER#id, SK CLASS#c), one per class raced, in ctx.stash.classStats.
 */
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { ALLTIME_SK_PREFIX, PK, racerPk, SK } from '../../core/keys.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { partitionQuery } from '../lib/query.js';

export function request(ctx: Context): DynamoDBQueryRequest {
  // At most one item per class of the catalog: one page.
  return partitionQuery({
    pkName: PK,
    pk: racerPk(ctx.stash.racerId as string),
    skName: SK,
    skPrefix: ALLTIME_SK_PREFIX,
    forward: true,
  });
}

export function response(ctx: Context): unknown[] {
  raiseDataSourceError(ctx);
  const items = (ctx.result.items ?? []) as unknown[];
  ctx.stash.classStats = items;
  return items;
}
