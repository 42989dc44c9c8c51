/**
 * RacerClassStats.bestRank (pipeline, once per class that Query.racer returns): the
 * rider's rank in the class's all-time ranking by personal best, counted now over the
 * class's rank trees and write shards (resolvers/lib/allTimeRank.ts); null only when
 * the class's trees do not count every rider and the rider is too far down for one
 * read of each shard to reach.
 *
 *   request                      -> the rider's sort key (from the source), one counted read per shard
 *   functions/getRankTree        -> the riders in higher 1 kJ bands (the trees along the rider's band)
 *   functions/queryRankShard ×8  -> each shard from the rider's band to the rider, keys only
 *   response                     -> 1 + the riders scoring higher
 */
import type { Context } from '@aws-appsync/utils';
import { rankRequest, rankResponse } from './lib/allTimeRank.js';

export function request(ctx: Context): Record<string, never> {
  return rankRequest(ctx, false);
}

export function response(ctx: Context): number | null {
  return rankResponse(ctx);
}
