/**
 * Pipeline function of Query.liveRankings: when the running race has no
 * LivePart yet, the parts of the race just ended. Skipped (earlyReturn: no
 * data-source call) when the running race already has parts.
 */
import { runtime, type Context, type DynamoDBQueryRequest } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { livePartsQuery } from '../lib/liveParts.js';

export function request(ctx: Context): DynamoDBQueryRequest {
  const current = ctx.stash.currentRaceId as number;
  const found = (ctx.stash.parts ?? []) as unknown[];
  if (found.length > 0 || current < 1) runtime.earlyReturn(ctx.prev.result);
  return livePartsQuery(ctx.stash.classId as number, current - 1);
}

export function response(ctx: Context): unknown[] {
  raiseDataSourceError(ctx);
  const items = (ctx.result.items ?? []) as unknown[];
  ctx.stash.parts = items;
  ctx.stash.partsNextToken = ctx.result.nextToken ?? null;
  ctx.stash.partsRaceId = (ctx.stash.currentRaceId as number) - 1;
  return items;
}
