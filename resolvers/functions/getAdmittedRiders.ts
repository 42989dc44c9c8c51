/**
 * Pipeline function of Mutation.recordTelemetry: when a race of the call
 * takes only the riders it admitted (full, or past its join deadline: see
 * getRaceAdmissions.ts), reads the admission markers of the call's riders in
 * it and refuses the call if any rider was not admitted (RaceFullError,
 * LateJoinError). A rider the race admitted is never refused. Skipped (no
 * data-source call) when no race of the call is gated.
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
  type GatedRace,
} from '../lib/raceAdmission.js';
import { raceSecondsOf } from '../lib/validation.js';

export function request(ctx: Context): DynamoDBBatchGetItemRequest {
  const gated = (ctx.stash.gatedRaces ?? []) as GatedRace[];
  if (gated.length === 0) runtime.earlyReturn(ctx.prev.result);
  const records = (ctx.stash.telemetry ?? []) as TelemetryRecord[];
  const keys = admittedRiderKeys(records, gated);
  if (keys.length > BATCH_GET_KEYS) {
    raceFull(
      gated[0] as GatedRace,
      0,
      '',
      `; a call may touch at most ${BATCH_GET_KEYS} admission items of full races`,
    );
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
    (ctx.stash.gatedRaces ?? []) as GatedRace[],
    data[table] ?? [],
    raceSecondsOf(ctx.env),
  );
  return ctx.prev.result;
}
