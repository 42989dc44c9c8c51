/**
 * Mutation.publishLiveBand (NONE data source, IAM only): passes one band of
 * the aggregator's board through as the field's result, which AppSync fans
 * out to onLiveBoard subscribers of that class and band. The aggregator
 * sends every band of a window in one request, one aliased field per band
 * (a subscription's type must be its mutation's type, so one field per band
 * rather than one field for all). Validated first, so a broken band reaches
 * no subscriber.
 */
import { util, type Context, type NONERequest } from '@aws-appsync/utils';
import type { LiveBand, MutationPublishLiveBandArgs } from '../core/generated/schema.js';
import { BAND_SIZE } from '../core/liveBands.js';
import { invalid, isInteger, requireClassId, requireRaceId, requireRankedEntry } from './lib/validation.js';
import { MAX_BAND } from './lib/liveBandsArg.js';

export function request(ctx: Context<MutationPublishLiveBandArgs>): NONERequest {
  const input = ctx.args.input;
  requireClassId(input.classId, 'input.classId');
  requireRaceId(input.raceId, 'input.raceId');
  if (!isInteger(input.band) || input.band < 0 || input.band > MAX_BAND) {
    invalid('input.band', `must be an integer 0..${MAX_BAND}`);
  }
  if (!isInteger(input.totalRiders) || input.totalRiders < 0)
    invalid('input.totalRiders', 'must be a non-negative integer');
  if (input.entries.length > BAND_SIZE) invalid('input.entries', `must hold at most ${BAND_SIZE} entries`);
  let i = 0;
  for (const e of input.entries) {
    requireRankedEntry(e, `input.entries[${i}]`);
    i = i + 1;
  }
  const entries = [];
  for (const e of input.entries) entries.push({ ...e, name: e.name ?? null });
  const band: LiveBand = { ...input, entries };
  return { payload: band };
}

export function response(ctx: Context<MutationPublishLiveBandArgs>): LiveBand {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  return ctx.result as LiveBand;
}
