/**
 * Query.liveRider (pipeline, the live-parts functions of Query.liveRankings):
 * where one rider stands in the running race — rank, band, field size and
 * the gaps to the riders just ahead and behind — or null if the rider is
 * not in it (yet).
 */
import { util, type Context } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { LiveRider, QueryLiveRiderArgs } from '../core/generated/schema.js';
import { standingOf } from '../core/liveBands.js';
import { isRacerId } from '../core/telemetry.js';
import { invalid, raceSecondsOf, requireClassId } from './lib/validation.js';
import { rankedLiveParts, startLivePipeline } from './lib/rankedLiveParts.js';

export function request(ctx: Context<QueryLiveRiderArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  if (!isRacerId(ctx.args.racerId)) invalid('racerId', 'must match ^[A-Za-z0-9_-]{1,64}$');
  startLivePipeline(ctx.stash, classId, raceIdAt(util.time.nowEpochMilliSeconds(), raceSecondsOf(ctx.env)));
  return {};
}

export function response(ctx: Context<QueryLiveRiderArgs>): LiveRider | null {
  const board = rankedLiveParts(ctx.stash);
  if (board === null) return null;
  return standingOf(board.entries, ctx.args.racerId, {
    classId: board.classId,
    raceId: board.raceId,
    updatedAt: board.updatedAt,
  });
}
