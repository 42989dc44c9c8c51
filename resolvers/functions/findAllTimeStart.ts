/**
 * Pipeline function of Query.allTimeRankings with `around`: reads the rider's
 * all-time item in the class (its key follows from the racerId, core/keys.ts
 * allTimeKey) for the sort key the page starts at; the shard queries then
 * count the riders before it (resolvers/lib/shardedRanking.ts, a counted
 * start). Skipped (no data-source call) without `around`.
 */
import { runtime, util, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { allTimeKey, scoreOfRankKey } from '../../core/keys.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import type { ShardedStash } from '../lib/shardedRanking.js';

export function request(ctx: Context): DynamoDBGetItemRequest {
  const around = ctx.stash.around as string | null;
  if (around === null) runtime.earlyReturn(null);
  const key = allTimeKey(around as string, ctx.stash.classId as number);
  return { operation: 'GetItem', key: { PK: { S: key.PK }, SK: { S: key.SK } } };
}

export function response(ctx: Context): null {
  raiseDataSourceError(ctx);
  const stash = ctx.stash.sharded as ShardedStash;
  const item = ctx.result as Record<string, unknown> | null;
  const start = item === null || item === undefined ? undefined : item[stash.read.skName];
  if (typeof start !== 'string') {
    util.error(`rider ${ctx.stash.around as string} has no all-time ranking in this class`, 'ValidationError', null, {
      field: 'around',
    });
  }
  stash.read = { ...stash.read, counted: start as string };
  ctx.stash.aroundScore = scoreOfRankKey(start as string);
  stash.ahead = { before: 0, higher: 0, complete: true, bound: null };
  ctx.stash.sharded = stash;
  return null;
}
