/**
 * RacerClassStats.totalRank (pipeline, once per class that Query.racer returns): the
 * rider's rank in the class's all-time ranking by total output, counted now over the
 * write shards (resolvers/lib/allTimeRank.ts); null when the rider is too far
 * down for one read of each shard to reach.
 *
 *   request                      -> the rider's sort key (from the source), one counted read per shard
 *   functions/queryRankShard ×8  -> each shard from its top to the rider, keys only
 *   response                     -> 1 + the riders scoring higher
 */
import type { Context } from '@aws-appsync/utils';
import { rankRequest, rankResponse } from './lib/allTimeRank.js';

export function request(ctx: Context): Record<string, never> {
  return rankRequest(ctx, true);
}

export function response(ctx: Context): number | null {
  return rankResponse(ctx);
}
