/**
 * Query.allTimeRankings (pipeline): a class's all-time ranking. Every AllTime
 * item (PK RACER#id, SK CLASS#c) is indexed twice, in the rider's write shard
 * (core/keys.ts allTimeIndexKeys): GSI1 under ALLTIME#c#BEST[#n] by personal
 * best and GSI2 under ALLTIME#c#TOTAL[#n] by total output, both with rankKey
 * sort keys, so merging the shards by sort key is the ranking.
 *
 *   request                      -> validate; where the page starts (first page or token)
 *   functions/queryRankShard ×8  -> one Query per write shard, after the token's sort key
 *   response                     -> merge, rank, token = the last sort key
 *
 * The token resumes after the last sort key returned, never at a position:
 * riders the all-time consumer moves while a client pages (scores only grow,
 * so keys only move towards the top) never make a later page repeat a rider.
 */
import type { Context } from '@aws-appsync/utils';
import {
  ALLTIME_SHARDS,
  SHARD_NUMBERS,
  allTimeBestPk,
  allTimeTotalPk,
  GSI1,
  GSI1PK,
  GSI1SK,
  GSI2,
  GSI2PK,
  GSI2SK,
} from '../core/keys.js';
import type { AllTimeEntry, AllTimePage, QueryAllTimeRankingsArgs } from '../core/generated/schema.js';
import { allTimeStatsOf, type AllTimeItem } from '../core/allTimeItem.js';
import { decodePageToken, encodePageToken } from './lib/pageToken.js';
import { mergedPage, sortKeyOf, type ShardedStash } from './lib/shardedRanking.js';
import { FIRST_PAGE, rankPage, type RankState } from '../core/ranking.js';
import { pageLimit, requireClassId } from './lib/validation.js';

/** Page size bounds (schema: 1..1000, default 100). */
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

export function request(ctx: Context<QueryAllTimeRankingsArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const limit = pageLimit(ctx.args.limit, 'limit', MAX_LIMIT, DEFAULT_LIMIT);
  const byTotal = ctx.args.by === 'TOTAL_OUTPUT';
  const scope = byTotal ? allTimeTotalPk(classId) : allTimeBestPk(classId);
  const cursor = decodePageToken(ctx.args.nextToken, scope);
  const pks: string[] = [];
  for (const shard of SHARD_NUMBERS.slice(0, ALLTIME_SHARDS)) {
    pks.push(byTotal ? allTimeTotalPk(classId, shard) : allTimeBestPk(classId, shard));
  }
  const sharded: ShardedStash = {
    read: {
      index: byTotal ? GSI2 : GSI1,
      pkName: byTotal ? GSI2PK : GSI1PK,
      skName: byTotal ? GSI2SK : GSI1SK,
      pks,
      after: cursor === null ? null : cursor.resume,
      from: null,
      limit,
    },
    shard: 0,
    found: [],
    more: false,
  };
  ctx.stash.sharded = sharded;
  ctx.stash.scope = scope;
  ctx.stash.byTotal = byTotal;
  ctx.stash.state = cursor === null ? FIRST_PAGE : cursor.state;
  return {};
}

export function response(ctx: Context<QueryAllTimeRankingsArgs>): AllTimePage {
  const stash = ctx.stash.sharded as ShardedStash;
  const page = mergedPage(stash);
  const found = page.items as unknown as AllTimeItem[];
  const byTotal = ctx.stash.byTotal === true;
  const scores: number[] = [];
  for (const item of found) scores.push(byTotal ? item.totalOutput : item.bestOutput);
  const ranked = rankPage(scores, ctx.stash.state as RankState);
  const items: AllTimeEntry[] = [];
  let i = 0;
  for (const item of found) {
    items.push({
      rank: ranked.ranks[i] as number,
      racerId: item.racerId,
      name: item.name ?? null,
      ...allTimeStatsOf(item),
    });
    i = i + 1;
  }
  const last = page.items[page.items.length - 1];
  const nextToken =
    !page.more || last === undefined
      ? null
      : encodePageToken(ctx.stash.scope as string, ranked.next, sortKeyOf(stash, last));
  return { items, nextToken };
}
