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
 *   response                     -> merge the parts, rank, newest updatedAt
 *
 * A pipeline, not a unit resolver, because the fallback is a second Query on
 * another partition.
 */
import { util, type Context } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { LiveRankings, QueryLiveRankingsArgs } from '../core/generated/schema.js';
import { mergeLiveParts, type LivePartItem } from './lib/liveMerge.js';
import { raceSecondsOf, requireClassId } from './lib/validation.js';

export function request(ctx: Context<QueryLiveRankingsArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const raceId = raceIdAt(util.time.nowEpochMilliSeconds(), raceSecondsOf(ctx.env));
  ctx.stash.classId = classId;
  ctx.stash.currentRaceId = raceId;
  ctx.stash.parts = [];
  ctx.stash.partsRaceId = raceId;
  return {};
}

export function response(ctx: Context<QueryLiveRankingsArgs>): LiveRankings | null {
  const merged = mergeLiveParts((ctx.stash.parts ?? []) as LivePartItem[]);
  if (merged === null) return null;
  return {
    classId: ctx.stash.classId as number,
    raceId: ctx.stash.partsRaceId as number,
    updatedAt: merged.updatedAt === '' ? util.time.nowISO8601() : merged.updatedAt,
    entries: merged.entries,
  };
}
