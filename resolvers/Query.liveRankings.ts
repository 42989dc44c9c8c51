/**
 * Query.liveRankings (pipeline: getLiveBoardHead, getLiveBoardBands): the
 * running race's published board — complete and ranked, or the top of the
 * field within AppSync's 240 KB (what onLiveRankings carries) with
 * totalRiders — or null when nothing has been published yet. When the
 * running race has no board yet, the race just ended is shown (its late
 * records are still being published). Reads the head and the bands of the
 * top of the field (at most 100 items), whatever the field size.
 */
import { util, type Context } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { LiveRankings, QueryLiveRankingsArgs } from '../core/generated/schema.js';
import { raceSecondsOf, requireClassId } from './lib/validation.js';
import { boardOf, entriesRead, startLiveBoardRead } from './lib/liveBoardReads.js';

export function request(ctx: Context<QueryLiveRankingsArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  startLiveBoardRead(ctx.stash, classId, raceIdAt(util.time.nowEpochMilliSeconds(), raceSecondsOf(ctx.env)), 'top');
  return {};
}

export function response(ctx: Context<QueryLiveRankingsArgs>): LiveRankings | null {
  const board = boardOf(ctx.stash);
  if (board === null) return null;
  return {
    classId: board.classId,
    raceId: board.raceId,
    updatedAt: board.updatedAt,
    entries: entriesRead(ctx.stash).slice(0, board.topRiders),
    totalRiders: board.totalRiders,
  };
}
