/**
 * Mutation.recordTelemetry (pipeline), for signed-in riders only (a
 * user-pool token): every record must be the rider's own (racerId =
 * username, else Unauthorized naming the record) and carries the rider's
 * profile name, whatever name the input gave (resolvers/lib/riderIdentity.ts).
 * It validates every record (core/telemetry.ts) and, only if all are valid
 * and every rider of a full race was admitted, puts them on the stream in ONE
 * PutRecords call (partition key = racerId, data = the record as UTF-8 JSON).
 * An invalid record stops the call with a ValidationError naming its index
 * and field; a rider a full race did not admit, with a RaceFullError; nothing
 * is sent.
 *
 *   request                        -> identity, validate, build the PutRecords request (ctx.stash)
 *   functions/getRaceAdmissions    -> which races of the call are full
 *   functions/getAdmittedRiders    -> refuse riders a full race did not admit
 *   functions/putTelemetryRecords  -> PutRecords (HTTP data source: Kinesis)
 *   response                       -> the receipt
 *
 * On AWS the data source signs the request (SigV4, service kinesis); the
 * local runtime forwards it to the Kinesis emulator.
 */
import { util, type Context, type HTTPRequest } from '@aws-appsync/utils';
import { raceIdAt } from '../core/raceClock.js';
import type { MutationRecordTelemetryArgs, TelemetryReceipt } from '../core/generated/schema.js';
import { checkTelemetryBatch, kinesisErrorType, MAX_RECORDS_PER_CALL, telemetryReceipt } from './lib/telemetryBatch.js';
import { invalid, raceSecondsOf } from './lib/validation.js';
import { ownRecords, riderOf } from './lib/riderIdentity.js';

export function request(ctx: Context<MutationRecordTelemetryArgs>): HTTPRequest<string> {
  const input = ctx.args.records as unknown;
  if (!Array.isArray(input) || input.length < 1 || input.length > MAX_RECORDS_PER_CALL) {
    invalid('records', `must hold 1..${MAX_RECORDS_PER_CALL} records`);
  }
  const identity = riderOf(ctx.identity);
  if (!identity.ok) util.error(identity.message, 'Unauthorized');
  const own = identity.ok ? ownRecords(input as unknown[], identity.rider) : null;
  if (own !== null && !own.ok) {
    util.error(own.message, 'Unauthorized', null, { index: own.index, field: 'racerId' });
  }
  const raceSeconds = raceSecondsOf(ctx.env);
  const currentRaceId = raceIdAt(util.time.nowEpochMilliSeconds(), raceSeconds);
  const check = checkTelemetryBatch(own !== null && own.ok ? own.records : [], raceSeconds, currentRaceId);
  if (!check.ok) {
    const field = `records[${check.index}].${check.field}`;
    util.error(`${field} ${check.message}`, 'ValidationError', null, { index: check.index, field: check.field });
  }
  const streamName = ctx.env ? ctx.env.STREAM_NAME : undefined;
  if (typeof streamName !== 'string' || streamName.length === 0) {
    util.error('STREAM_NAME is not set in the API environment', 'ConfigurationError');
  }
  const records: { Data: string; PartitionKey: string }[] = [];
  if (check.ok) {
    for (const record of check.records) {
      records.push({ Data: util.base64Encode(JSON.stringify(record)), PartitionKey: record.racerId });
    }
  }
  const putRecords: HTTPRequest<string> = {
    method: 'POST',
    resourcePath: '/',
    params: {
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecords',
      },
      body: JSON.stringify({ StreamName: streamName, Records: records }),
    },
  };
  // The pipeline's functions check admission, then send this (functions/putTelemetryRecords.ts).
  ctx.stash.telemetry = check.ok ? check.records : [];
  ctx.stash.putRecords = putRecords;
  return putRecords;
}

/** The parsed JSON body, or null (APPSYNC_JS's JSON.parse yields "" on bad JSON; Node throws). */
function parseBody(body: unknown): unknown {
  if (typeof body !== 'string' || !body.startsWith('{')) return null;
  const parsed = JSON.parse(body) as unknown;
  return parsed !== null && typeof parsed === 'object' ? parsed : null;
}

export function response(ctx: Context<MutationRecordTelemetryArgs>): TelemetryReceipt {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  const result = ctx.result as { statusCode?: number; body?: unknown } | null;
  const body = parseBody(result ? result.body : null);
  const status = result && typeof result.statusCode === 'number' ? result.statusCode : 0;
  if (status >= 400 || status === 0) {
    const message =
      body !== null && typeof (body as Record<string, unknown>).message === 'string'
        ? ((body as Record<string, unknown>).message as string)
        : `Kinesis answered HTTP ${status}`;
    util.error(message, `Kinesis:${kinesisErrorType(body)}`);
  }
  return telemetryReceipt(body, ctx.args.records as unknown[]);
}
