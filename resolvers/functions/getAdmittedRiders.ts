/**
 * Pipeline function of Mutation.recordTelemetry: when a race of the call is
 * full, reads the admission markers of the call's riders in it and refuses
 * the call (RaceFullError) if any rider was not admitted. A rider the race
 * admitted is never refused. Skipped (no data-source call) when no race is full.
 */
import { runtime, type Context, type DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import {
  admittedRiderKeys,
  BATCH_GET_KEYS,
  raceFull,
  refuseUnadmitted,
  tableNameOf,
  type FullRace,
} from '../lib/raceAdmission.js';

export function request(ctx: Context): DynamoDBBatchGetItemRequest {
  const full = (ctx.stash.fullRaces ?? []) as FullRace[];
  if (full.length === 0) runtime.earlyReturn(ctx.prev.result);
  const records = (ctx.stash.telemetry ?? []) as TelemetryRecord[];
  const keys = admittedRiderKeys(records, full);
  if (keys.length > BATCH_GET_KEYS) {
    raceFull(full[0] as FullRace, 0, '', `; a call may touch at most ${BATCH_GET_KEYS} admission items of full races`);
  }
  const table = tableNameOf(ctx.env);
  return { operation: 'BatchGetItem', tables: { [table]: { keys, consistentRead: true } } };
}

export function response(ctx: Context): unknown {
  raiseDataSourceError(ctx);
  const table = tableNameOf(ctx.env);
  const data = ctx.result && ctx.result.data ? (ctx.result.data as Record<string, unknown[]>) : {};
  refuseUnadmitted(
    (ctx.stash.telemetry ?? []) as TelemetryRecord[],
    (ctx.stash.fullRaces ?? []) as FullRace[],
    data[table] ?? [],
  );
  return ctx.prev.result;
}
