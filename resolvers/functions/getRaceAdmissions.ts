/**
 * Pipeline function of Mutation.recordTelemetry: reads the admission counter
 * of every race the call's records are for (ctx.stash.telemetry, validated
 * by the resolver's request) and keeps the full ones in ctx.stash.fullRaces.
 */
import type { Context, DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { admissionCounterKeys, fullRacesOf, tableNameOf } from '../lib/raceAdmission.js';

export function request(ctx: Context): DynamoDBBatchGetItemRequest {
  const table = tableNameOf(ctx.env);
  const records = (ctx.stash.telemetry ?? []) as TelemetryRecord[];
  return {
    operation: 'BatchGetItem',
    tables: { [table]: { keys: admissionCounterKeys(records), consistentRead: true } },
  };
}

export function response(ctx: Context): unknown {
  raiseDataSourceError(ctx);
  const table = tableNameOf(ctx.env);
  const data = ctx.result && ctx.result.data ? (ctx.result.data as Record<string, unknown[]>) : {};
  ctx.stash.fullRaces = fullRacesOf(data[table] ?? []);
  return ctx.prev.result;
}
