/**
 * Pipeline function of Query.liveRankings: the next Query page of the parts
 * getLiveParts or getPreviousLiveParts found, when DynamoDB's 1 MB page did
 * not hold them all (a race with thousands of riders). Skipped (earlyReturn:
 * no data-source call) when the first page held every part.
 */
import { runtime, type Context, type DynamoDBQueryRequest } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { livePartsQuery } from '../lib/liveParts.js';

export function request(ctx: Context): DynamoDBQueryRequest {
  const token = ctx.stash.partsNextToken as string | null | undefined;
  if (token === undefined || token === null) runtime.earlyReturn(ctx.prev.result);
  return livePartsQuery(ctx.stash.classId as number, ctx.stash.partsRaceId as number, token);
}

export function response(ctx: Context): unknown[] {
  raiseDataSourceError(ctx);
  const items = (ctx.result.items ?? []) as unknown[];
  const parts = ((ctx.stash.parts ?? []) as unknown[]).concat(items);
  ctx.stash.parts = parts;
  ctx.stash.partsNextToken = ctx.result.nextToken ?? null;
  return parts;
}
