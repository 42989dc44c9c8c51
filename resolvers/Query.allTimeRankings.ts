/**
 * Query.allTimeRankings (pipeline): a class's all-time ranking. Every AllTime
 * item (PK RACER#id, SK CLASS#c) is indexed twice, in the rider's write shard
 * (core/keys.ts allTimeIndexKeys): GSI1 under ALLTIME#c#BEST[#n] by personal
 * best and GSI2 under ALLTIME#c#TOTAL[#n] by total output, both with rankKey
 * sort keys, so merging the shards by sort key is the ranking.
 *
 *   request                      -> validate; where the page starts (first page, token or `around`)
 *   functions/findAllTimeStart   -> a first page: the ranking's head (kept by the all-time consumer);
 *                                   with `around`: the rider's item, whose sort key the page starts at
 *   functions/getRankTree        -> with `around`: the riders in higher 1 kJ bands, from the rank trees
 *   functions/queryRankShard ×8  -> one Query per write shard, after the token's sort key (with
 *                                   `around`: from the rider's band, counting the riders before the rider)
 *   response                     -> merge, rank, token = the last sort key, previousToken = the
 *                                   first (resolvers/lib/rankedPage.ts)
 *
 * A previousToken passed as nextToken reads the page before: each shard
 * upwards from that key (limit + 1 items), ranked back from the item at it.
 * The token resumes after the last sort key returned, never at a position:
 * riders the all-time consumer moves while a client pages (scores only grow,
 * so keys only move towards the top) never make a later page repeat a rider.
 */
import { util, type Context } from '@aws-appsync/utils';
import { allTimeBestPk, allTimeTotalPk, scoreOfRankKey, scoreUnits } from '../core/keys.js';
import type { AllTimeEntry, AllTimePage, QueryAllTimeRankingsArgs } from '../core/generated/schema.js';
import { allTimeStatsOf, type AllTimeItem } from '../core/allTimeItem.js';
import { sortKeyOf, type ShardedStash } from './lib/shardedRanking.js';
import { rankedPage } from './lib/rankedPage.js';
import { rankedPageRequest } from './lib/rankedPageRequest.js';
import { allTimeIndex } from './lib/allTimeIndex.js';
import type { RankState } from '../core/ranking.js';
import { requireClassId } from './lib/validation.js';
import { ALLTIME_HEAD_FIELDS } from '../core/rankingHead.js';

export function request(ctx: Context<QueryAllTimeRankingsArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const byTotal = ctx.args.by === 'TOTAL_OUTPUT';
  const scope = byTotal ? allTimeTotalPk(classId) : allTimeBestPk(classId);
  rankedPageRequest(ctx, scope, allTimeIndex(classId, byTotal), ALLTIME_HEAD_FIELDS);
  ctx.stash.classId = classId;
  return {};
}

export function response(ctx: Context<QueryAllTimeRankingsArgs>): AllTimePage {
  const stash = ctx.stash.sharded as ShardedStash;
  // Ranked by the score the index placed the item by: while the consumer updates a rider, its
  // values move a moment before its index keys do, and the ranks must follow the order of the page.
  const page = rankedPage(stash, ctx.stash.scope as string, startState(ctx, stash), (item) =>
    scoreOfRankKey(sortKeyOf(stash, item)),
  );
  const items: AllTimeEntry[] = [];
  let i = 0;
  for (const found of page.items) {
    const item = found as unknown as AllTimeItem;
    items.push({
      rank: page.ranks[i] as number,
      racerId: item.racerId,
      name: item.name ?? null,
      ...allTimeStatsOf(item),
    });
    i = i + 1;
  }
  return { items, nextToken: page.nextToken, previousToken: page.previousToken };
}

/**
 * Where ranks start: the token's state, or, for a page around a rider, the
 * riders the shards counted before it (the rider shares the rank of every
 * rider with its score).
 */
function startState(ctx: Context<QueryAllTimeRankingsArgs>, stash: ShardedStash): RankState {
  const ahead = stash.ahead;
  if (ahead === null) return ctx.stash.state as RankState;
  if (!ahead.complete) {
    util.error(
      `rider ${
        ctx.stash.around as string
      } ranks too far down to be counted in one read of each shard: page from the top instead`,
      'ValidationError',
      null,
      { field: 'around' },
    );
  }
  return { position: ahead.before, rank: ahead.higher + 1, units: scoreUnits(ctx.stash.aroundScore as number) };
}
