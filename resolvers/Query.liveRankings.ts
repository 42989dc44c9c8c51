/**
 * Query.liveRankings (pipeline): the merged live snapshot of a class's
 * running race, or null when nothing has been aggregated yet.
 *
 *   request                      -> which race is running (race clock)
 *   functions/getLiveParts       -> LivePart items of the running race
 *   functions/getPreviousLiveParts -> if none yet, those of the race just
 *                                   ended (the first window of a race has
 *                                   not closed; late records of the previous
 *                                   race are still being aggregated)
 *   functions/getMoreLiveParts   -> the next Query page of those parts, if any
 *                                   (a race of thousands of riders)
 *   response                     -> merge the parts (core/livePart.ts), rank,
 *                                   newest updatedAt
 *
 * A pipeline, not a unit resolver, because the fallback is a second Query on
 * another partition.
 */
import { util, type Context } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { LiveRankings, QueryLiveRankingsArgs } from '../core/generated/schema.js';
import { raceSecondsOf, requireClassId } from './lib/validation.js';
import { rankedLiveParts, startLivePipeline } from './lib/rankedLiveParts.js';

export function request(ctx: Context<QueryLiveRankingsArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  startLivePipeline(ctx.stash, classId, raceIdAt(util.time.nowEpochMilliSeconds(), raceSecondsOf(ctx.env)));
  return {};
}

export function response(ctx: Context<QueryLiveRankingsArgs>): LiveRankings | null {
  const board = rankedLiveParts(ctx.stash);
  if (board === null) return null;
  return { ...board, totalRiders: board.entries.length };
}
