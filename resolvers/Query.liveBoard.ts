/**
 * Query.liveBoard (pipeline, the live-parts functions of Query.liveRankings):
 * the asked bands of the running race's board, in the order asked, for a
 * viewer's first paint; onLiveBoard brings the next ones. Empty when nothing
 * has been aggregated yet.
 */
import { util, type Context } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { LiveBand, QueryLiveBoardArgs } from '../core/generated/schema.js';
import { sliceBand } from '../core/liveBands.js';
import { raceSecondsOf, requireClassId } from './lib/validation.js';
import { requireBands } from './lib/liveBandsArg.js';
import { rankedLiveParts, startLivePipeline } from './lib/rankedLiveParts.js';

export function request(ctx: Context<QueryLiveBoardArgs>): Record<string, never> {
  const classId = requireClassId(ctx.args.classId, 'classId');
  ctx.stash.bands = requireBands(ctx.args.bands, 'bands');
  startLivePipeline(ctx.stash, classId, raceIdAt(util.time.nowEpochMilliSeconds(), raceSecondsOf(ctx.env)));
  return {};
}

export function response(ctx: Context<QueryLiveBoardArgs>): LiveBand[] {
  const board = rankedLiveParts(ctx.stash);
  if (board === null) return [];
  const meta = { classId: board.classId, raceId: board.raceId, updatedAt: board.updatedAt };
  const out: LiveBand[] = [];
  for (const b of ctx.stash.bands as number[]) out.push(sliceBand(board.entries, b, meta));
  return out;
}
