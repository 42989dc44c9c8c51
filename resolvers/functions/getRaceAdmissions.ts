/**
 * Pipeline function of Mutation.recordTelemetry: reads the admission counter
 * of every race the call's records are for (ctx.stash.telemetry, validated
 * by the resolver's request) and keeps in ctx.stash.gatedRaces the races that
 * take only the riders they admitted: full ones, and those past their join
 * deadline (resolvers/lib/raceAdmission.ts gatedRacesOf).
 */
import { util, type Context, type DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { admissionCounterKeys, gatedRacesOf, tableNameOf } from '../lib/raceAdmission.js';
import { raceSecondsOf } from '../lib/validation.js';

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
  ctx.stash.gatedRaces = gatedRacesOf(
    (ctx.stash.telemetry ?? []) as TelemetryRecord[],
    data[table] ?? [],
    util.time.nowEpochMilliSeconds(),
    raceSecondsOf(ctx.env),
  );
  return ctx.prev.result;
}
