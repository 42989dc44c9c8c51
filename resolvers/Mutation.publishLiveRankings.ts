/**
 * Mutation.publishLiveRankings (NONE data source, IAM only): passes the
 * aggregator's ranked snapshot through as the mutation's result, which
 * AppSync fans out to onLiveRankings subscribers of the same classId.
 * Validated first, so a broken snapshot reaches no subscriber.
 */
import { util, type Context, type NONERequest } from '@aws-appsync/utils';
import type { LiveEntry, LiveRankings, MutationPublishLiveRankingsArgs } from '../core/generated/schema.js';
import { flagMask, flagNames } from '../core/fairPlay.js';
import { invalid, requireClassId, requireRaceId, requireRankedEntry } from './lib/validation.js';

/** Largest snapshot accepted: a full race of every rider a class can hold, with headroom. */
export const MAX_ENTRIES = 5000;

export function request(ctx: Context<MutationPublishLiveRankingsArgs>): NONERequest {
  const input = ctx.args.input;
  requireClassId(input.classId, 'input.classId');
  requireRaceId(input.raceId, 'input.raceId');
  if (input.entries.length > MAX_ENTRIES) invalid('input.entries', `must hold at most ${MAX_ENTRIES} entries`);
  let i = 0;
  for (const e of input.entries) {
    requireRankedEntry(e, `input.entries[${i}]`);
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
