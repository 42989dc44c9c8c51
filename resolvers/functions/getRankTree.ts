/**
 * Pipeline function of the all-time ranks (RacerClassStats.bestRank and
 * totalRank, Query.allTimeRankings with `around`): one BatchGetItem of the
 * class's rank trees along the rider's band (core/rankTree.ts), which counts
 * the riders in higher bands; the shard queries then read only the rider's
 * 1 kJ band. Skipped when nothing is counted; a class whose trees do not count
 * every rider yet leaves the shards to count from their tops.
 */
import { runtime, type Context, type DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/dataSource.js';
import type { ShardedStash } from '../lib/shardedRanking.js';
import { countFromTrees, rankTreeRequest } from '../lib/rankTreeRead.js';

export function request(ctx: Context): DynamoDBBatchGetItemRequest {
  const stash = ctx.stash.sharded as ShardedStash;
  const request = rankTreeRequest(ctx.env, stash, ctx.stash.classId as number);
  if (request === null) runtime.earlyReturn(null);
  return request as DynamoDBBatchGetItemRequest;
}

export function response(ctx: Context): null {
  raiseDataSourceError(ctx);
  const stash = ctx.stash.sharded as ShardedStash;
  countFromTrees(ctx.env, stash, ctx.stash.classId as number, ctx.result);
  ctx.stash.sharded = stash;
  return null;
}
