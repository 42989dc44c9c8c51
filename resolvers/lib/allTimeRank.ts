/**
 * A rider's rank in one of a class's all-time rankings, counted (the ranks of
 * a ranking that keeps changing are not stored): the class's rank trees count
 * the riders in higher 1 kJ bands (resolvers/lib/rankTreeRead.ts), then each
 * write shard is read from the rider's band up to the rider's sort key, keys
 * only, and the riders scoring higher are counted (resolvers/lib/shardedRanking.ts,
 * a counted start). Without complete trees (a class ranked before them) each
 * shard is read from its top. A shard whose one read (DynamoDB's 1 MB) ends
 * before the rider leaves the rank unknown: null.
 */
import type { Context } from '@aws-appsync/utils';
import { allTimeIndex } from './allTimeIndex.js';
import { shardedStash, type ShardedStash } from './shardedRanking.js';

/** What a RacerClassStats source carries besides the stats the API shows (Query.racer sets it). */
export interface RankedClassSource {
  classId: number;
  GSI1SK?: string;
  GSI2SK?: string;
}

/** Request of a rank field: the counted read of every shard, or none when the rider has no key in this ranking. */
export function rankRequest(ctx: Context, byTotal: boolean): Record<string, never> {
  const source = ctx.source as RankedClassSource;
  const start = byTotal ? source.GSI2SK : source.GSI1SK;
  const shards = allTimeIndex(source.classId, byTotal);
  ctx.stash.sharded = shardedStash(
    {
      ...shards,
      pks: typeof start === 'string' ? shards.pks : [],
      after: null,
      from: null,
      before: null,
      upTo: typeof start === 'string' ? start : null,
      counted: typeof start === 'string' ? start : null,
      projection: [shards.skName],
      limit: 1,
    },
    null,
    { before: 0, higher: 0, complete: typeof start === 'string', bound: null },
  );
  ctx.stash.classId = source.classId;
  return {};
}
/** Response of a rank field: 1 + the riders scoring higher, or null when that could not be counted. */
export function rankResponse(ctx: Context): number | null {
  const ahead = (ctx.stash.sharded as ShardedStash).ahead;
  if (ahead === null || !ahead.complete) return null;
  return ahead.higher + 1;
}
