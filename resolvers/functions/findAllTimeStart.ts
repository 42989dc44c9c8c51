/**
 * Pipeline function of Query.allTimeRankings: one GetItem that says where the
 * page starts. With `around`, the rider's all-time item in the class (its key
 * follows from the racerId, core/keys.ts allTimeKey), whose sort key the page
 * starts at; the shards then count the riders before it (with the class's
 * rank trees, functions/getRankTree, only those in the rider's 1 kJ band).
 * On a first page, the ranking's head (core/rankingHead.ts), which answers
 * the page when it holds it. One function for both, so that the pipeline
 * keeps within AppSync's 10 functions. Otherwise skipped.
 */
import { runtime, util, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { allTimeKey, rankingHeadKey, scoreOfRankKey } from '../../core/keys.js';
import { decodeHeadEntries, headPage } from '../../core/rankingHead.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import type { ShardedStash } from '../lib/shardedRanking.js';

export function request(ctx: Context): DynamoDBGetItemRequest {
  const around = ctx.stash.around as string | null;
  const stash = ctx.stash.sharded as ShardedStash;
  if (around === null && stash.head === null) runtime.earlyReturn(null);
  const key = around === null ? rankingHeadKey(stash.head as string) : allTimeKey(around, ctx.stash.classId as number);
  return { operation: 'GetItem', key: { PK: { S: key.PK }, SK: { S: key.SK } } };
}

export function response(ctx: Context): null {
  raiseDataSourceError(ctx);
  const stash = ctx.stash.sharded as ShardedStash;
  const item = ctx.result as Record<string, unknown> | null;
  if (ctx.stash.around === null) {
    // The head, if the consumer has built it (else the shards answer).
    if (item !== null && item !== undefined) {
      stash.headPage = headPage(decodeHeadEntries(item.entries), item.more === true, stash.read.limit);
      ctx.stash.sharded = stash;
    }
    return null;
  }
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
