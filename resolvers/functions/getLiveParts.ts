/**
 * Pipeline function of Query.liveRankings: the LivePart items of the running
 * race (ctx.stash.currentRaceId), kept in ctx.stash.parts.
 */
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { livePartsQuery } from '../lib/liveParts.js';

export function request(ctx: Context): DynamoDBQueryRequest {
  return livePartsQuery(ctx.stash.classId as number, ctx.stash.currentRaceId as number);
}

export function response(ctx: Context): unknown[] {
  raiseDataSourceError(ctx);
  const items = (ctx.result.items ?? []) as unknown[];
  ctx.stash.parts = items;
  ctx.stash.partsNextToken = ctx.result.nextToken ?? null;
  ctx.stash.partsRaceId = ctx.stash.currentRaceId;
  return items;
}
