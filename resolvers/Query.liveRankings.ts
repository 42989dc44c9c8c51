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
import { decodeRiders, rankRiders, type LiveRiders } from '../core/livePart.js';
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
  const parts = (ctx.stash.parts ?? []) as Array<{ readonly riders?: unknown; readonly updatedAt?: unknown }>;
  if (parts.length === 0) return null;
  const riders: LiveRiders[] = [];
  let updatedAt = '';
  for (const part of parts) {
    // ISO-8601 UTC timestamps of one format order as strings.
    if (typeof part.updatedAt === 'string' && part.updatedAt > updatedAt) updatedAt = part.updatedAt;
    riders.push(decodeRiders(part.riders));
  }
  return {
    classId: ctx.stash.classId as number,
    raceId: ctx.stash.partsRaceId as number,
    updatedAt: updatedAt === '' ? util.time.nowISO8601() : updatedAt,
    entries: rankRiders(riders),
  };
}
