/**
 * Query.race (table): one race. Slot and status come from the race clock;
 * competitors, finishers, winner and best output come from the finalizer's
 * race summary item (PK CLASS#c, SK RACE#raceId) and are null until it exists.
 */
import { util, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { raceKey } from '../core/keys.js';
import type { QueryRaceArgs, Race } from '../core/generated/schema.js';
import { raiseDataSourceError } from './lib/dataSource.js';
import type { RaceSummaryItem } from '../core/raceSummary.js';
import { raceView } from './lib/raceView.js';
import { raceSecondsOf, requireClassId, requireRaceId } from './lib/validation.js';

export function request(ctx: Context<QueryRaceArgs>): DynamoDBGetItemRequest {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const raceId = requireRaceId(ctx.args.raceId, 'raceId');
  const key = raceKey(classId, raceId);
  return { operation: 'GetItem', key: { PK: { S: key.PK }, SK: { S: key.SK } } };
}

export function response(ctx: Context<QueryRaceArgs>): Race {
  raiseDataSourceError(ctx);
  const summary = ctx.result as RaceSummaryItem | null;
  return raceView(ctx.args.classId, ctx.args.raceId, raceSecondsOf(ctx.env), util.time.nowEpochMilliSeconds(), summary);
}
