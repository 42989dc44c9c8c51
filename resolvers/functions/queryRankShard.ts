/**
 * Pipeline function of the ranked readers (Query.raceResults,
 * Query.allTimeRankings): reads one write shard of the ranking, the next one
 * each time it runs (the pipeline lists it once per shard), and keeps its
 * items in the stash (resolvers/lib/shardedRanking.ts).
 */
import { runtime, type Context, type DynamoDBQueryRequest } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { keepShardItems, nextShardQuery, type ShardedStash } from '../lib/shardedRanking.js';

export function request(ctx: Context): DynamoDBQueryRequest {
  const query = nextShardQuery(ctx.stash.sharded as ShardedStash);
  if (query === null) runtime.earlyReturn(null);
  return query as DynamoDBQueryRequest;
}

export function response(ctx: Context): null {
  raiseDataSourceError(ctx);
  const stash = ctx.stash.sharded as ShardedStash;
  keepShardItems(stash, (ctx.result.items ?? []) as unknown[], ctx.result.nextToken);
  ctx.stash.sharded = stash;
  return null;
}
