/**
 * Query.liveRider (pipeline: getLiveBoardHead, getLiveBoardIndex,
 * getLiveBoardBands): where one rider stands on the running race's published
 * board — rank, band, field size and the gaps to the riders just ahead and
 * behind — or null if the rider is not on it (yet). Reads the head, one
 * index slice and at most 3 band items, whatever the field size.
 */
import { util, type Context } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { LiveRider, QueryLiveRiderArgs } from '../core/generated/schema.js';
import { BAND_SIZE, standingOf } from '../core/liveBands.js';
import { isRacerId } from '../core/telemetry.js';
import { invalid, raceSecondsOf, requireClassId } from './lib/validation.js';
import { bandsRead, boardOf, entriesRead, startLiveBoardRead } from './lib/liveBoardReads.js';

export function request(ctx: Context<QueryLiveRiderArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  if (!isRacerId(ctx.args.racerId)) invalid('racerId', 'must match ^[A-Za-z0-9_-]{1,64}$');
  const raceId = raceIdAt(util.time.nowEpochMilliSeconds(), raceSecondsOf(ctx.env));
  startLiveBoardRead(ctx.stash, classId, raceId, 'around');
  ctx.stash.racerId = ctx.args.racerId;
  return {};
}

export function response(ctx: Context<QueryLiveRiderArgs>): LiveRider | null {
  const board = boardOf(ctx.stash);
  const bands = bandsRead(ctx.stash);
  if (board === null || bands.length === 0) return null;
  const first = (bands[0] as { band: number }).band * BAND_SIZE;
  return standingOf(
    entriesRead(ctx.stash),
    ctx.args.racerId,
    { classId: board.classId, raceId: board.raceId, updatedAt: board.updatedAt },
    first,
    board.totalRiders,
  );
}
