/**
 * Mutation.publishLiveRankings (NONE data source, IAM only): passes the
 * aggregator's ranked snapshot through as the mutation's result, which
 * AppSync fans out to onLiveRankings subscribers of the same classId.
 * Validated first, so a broken snapshot reaches no subscriber.
 */
import { util, type Context, type NONERequest } from '@aws-appsync/utils';
import type { LiveEntry, LiveRankings, MutationPublishLiveRankingsArgs } from '../core/generated/schema.js';
import { flagMask, flagNames } from '../core/fairPlay.js';
import { isRacerId } from '../core/telemetry.js';
import { invalid, isInteger, requireClassId, requireRaceId } from './lib/validation.js';

/** Largest snapshot accepted: a full race of every rider a class can hold, with headroom. */
export const MAX_ENTRIES = 5000;

export function request(ctx: Context<MutationPublishLiveRankingsArgs>): NONERequest {
  const input = ctx.args.input;
  requireClassId(input.classId, 'input.classId');
  requireRaceId(input.raceId, 'input.raceId');
  if (input.entries.length > MAX_ENTRIES) invalid('input.entries', `must hold at most ${MAX_ENTRIES} entries`);
  let i = 0;
  for (const e of input.entries) {
    const at = `input.entries[${i}]`;
    if (!isInteger(e.rank) || e.rank < 1) invalid(`${at}.rank`, 'must be a positive integer');
    if (!isRacerId(e.racerId)) invalid(`${at}.racerId`, 'must match ^[A-Za-z0-9_-]{1,64}$');
    if (typeof e.output !== 'number' || !Number.isFinite(e.output) || e.output < 0) {
      invalid(`${at}.output`, 'must be a finite non-negative number');
    }
    if (!isInteger(e.second) || e.second < 0) invalid(`${at}.second`, 'must be a non-negative integer');
    i = i + 1;
  }
  const entries: LiveEntry[] = [];
  for (const e of input.entries) entries.push({ ...e, flags: flagNames(flagMask(e.flags ?? [])) });
  const snapshot: LiveRankings = { ...input, entries, updatedAt: input.updatedAt ?? util.time.nowISO8601() };
  return { payload: snapshot };
}

export function response(ctx: Context<MutationPublishLiveRankingsArgs>): LiveRankings {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result as LiveRankings;
}
