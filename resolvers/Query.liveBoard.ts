/**
 * Query.liveBoard (pipeline: getLiveBoardHead, getLiveBoardBands): the asked
 * bands of the running race's published board, in the order asked, for a
 * viewer's first paint; onLiveBoard brings the next ones. Empty when nothing
 * has been published yet. Reads the head and at most 5 band items, whatever
 * the field size.
 */
import { util, type Context } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { LiveBand, QueryLiveBoardArgs } from '../core/generated/schema.js';
import { raceSecondsOf, requireClassId } from './lib/validation.js';
import { requireBands } from './lib/liveBandsArg.js';
import { bandEntriesOf, boardOf, startLiveBoardRead } from './lib/liveBoardReads.js';

export function request(ctx: Context<QueryLiveBoardArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const bands = requireBands(ctx.args.bands, 'bands');
  const raceId = raceIdAt(util.time.nowEpochMilliSeconds(), raceSecondsOf(ctx.env));
  startLiveBoardRead(ctx.stash, classId, raceId, 'asked', bands);
  return {};
}

export function response(ctx: Context<QueryLiveBoardArgs>): LiveBand[] {
  const board = boardOf(ctx.stash);
  if (board === null) return [];
  const out: LiveBand[] = [];
  for (const b of ctx.stash.asked as number[]) {
    out.push({
      classId: board.classId,
      raceId: board.raceId,
      updatedAt: board.updatedAt,
      band: b,
      totalRiders: board.totalRiders,
      entries: bandEntriesOf(ctx.stash, b),
    });
  }
  return out;
}
