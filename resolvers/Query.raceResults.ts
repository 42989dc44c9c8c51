/**
 * Query.raceResults (pipeline): results of one race by rank. GSI1 holds each
 * result under its write shard of the race (core/keys.ts resultRankIndexKeys)
 * with a rankKey sort key (output descending, racerId ascending when read
 * ascending), so merging the shards by sort key is the contract's order.
 *
 *   request                      -> validate; where the page starts (first page, token or `around`)
 *   functions/getRankingHead     -> a first page: the race's head (its top results, written at the close)
 *   functions/findResultStart    -> with `around`: the rider's result, the page starts with it
 *   functions/queryRankShard ×8  -> one Query per write shard from where the page starts (unless the head answered)
 *   response                     -> merge, rank (ties share, 1,2,2,4), token = the last sort key,
 *                                   previousToken = the first (resolvers/lib/rankedPage.ts)
 *
 * A previousToken passed as nextToken reads the page before: each shard
 * upwards from that key, ranked back from the item at it.
 * Ranks continue across pages through the page token (resolvers/lib/cursor.ts,
 * core/ranking.ts); results never change once the race is closed, so a
 * sweep of the pages returns every result once.
 */
import type { Context } from '@aws-appsync/utils';
import { GSI1, GSI1PK, GSI1SK, RESULT_SHARDS, SHARD_NUMBERS, raceShardPk, racePk } from '../core/keys.js';
import type { QueryRaceResultsArgs, RaceResult, RaceResultPage } from '../core/generated/schema.js';
import type { ResultItem } from '../core/resultItem.js';
import { flagMask, flagNames } from '../core/fairPlay.js';
import type { ShardedStash } from './lib/shardedRanking.js';
import { rankedPage } from './lib/rankedPage.js';
import { rankedPageRequest } from './lib/rankedPageRequest.js';
import type { RankState } from '../core/ranking.js';
import { requireClassId, requireRaceId } from './lib/validation.js';

export function request(ctx: Context<QueryRaceResultsArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const raceId = requireRaceId(ctx.args.raceId, 'raceId');
  const pks: string[] = [];
  for (const shard of SHARD_NUMBERS.slice(0, RESULT_SHARDS)) pks.push(raceShardPk(classId, raceId, shard));
  rankedPageRequest(ctx, racePk(classId, raceId), { index: GSI1, pkName: GSI1PK, skName: GSI1SK, pks }, null);
  ctx.stash.classId = classId;
  ctx.stash.raceId = raceId;
  return {};
}

export function response(ctx: Context<QueryRaceResultsArgs>): RaceResultPage {
  const stash = ctx.stash.sharded as ShardedStash;
  // The close stores every result's rank and place: a page read upwards takes them as they are.
  const page = rankedPage(
    stash,
    ctx.stash.scope as string,
    ctx.stash.state as RankState,
    (item) => item.output as number,
    (item) =>
      typeof item.rank === 'number' && typeof item.position === 'number'
        ? { rank: item.rank, position: item.position }
        : null,
  );
  const items: RaceResult[] = [];
  let i = 0;
  for (const found of page.items) {
    const item = found as unknown as ResultItem;
    items.push({
      rank: page.ranks[i] as number,
      racerId: item.racerId,
      name: item.name ?? null,
      output: item.output,
      classId: item.classId,
      raceId: item.raceId,
      finished: item.finished === true,
      lastSecond: item.lastSecond ?? 0,
      flags: flagNames(flagMask(item.flags)),
    });
    i = i + 1;
  }
  return { items, nextToken: page.nextToken, previousToken: page.previousToken };
}
