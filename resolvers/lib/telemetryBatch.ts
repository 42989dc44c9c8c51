/**
 * recordTelemetry's pure parts: validating a call's records (all or nothing)
 * and reading Kinesis's PutRecords answer.
 */
import { checkTelemetry, type TelemetryRecord } from '../../core/telemetry.js';
import type { TelemetryReceipt, TelemetryRecordResult } from '../../core/generated/schema.js';

/** Most records in one PutRecords call (a Kinesis limit) and so in one recordTelemetry call. */
export const MAX_RECORDS_PER_CALL = 500;

/** Either every record, cleaned, or the first invalid one. */
export type BatchCheck =
  | { readonly ok: true; readonly records: TelemetryRecord[] }
  | { readonly ok: false; readonly index: number; readonly field: string; readonly message: string };

/**
 * Checks every record; the first invalid record (lowest index) is reported
 * with the field that failed.
 */
export function checkTelemetryBatch(
  records: readonly unknown[],
  raceSeconds: number,
  currentRaceId: number,
): BatchCheck {
  const clean: TelemetryRecord[] = [];
  let index = 0;
  for (const value of records) {
    const check = checkTelemetry(value, { raceSeconds, currentRaceId });
    if (!check.ok) return { ok: false, index, field: check.field, message: check.message };
    clean.push(check.record);
    index = index + 1;
  }
  return { ok: true, records: clean };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/**
 * The receipt of a PutRecords response body ({ FailedRecordCount, Records:
 * [{ SequenceNumber, ShardId } | { ErrorCode, ErrorMessage }] }); Kinesis
 * answers one entry per record, in the order sent. A record without an entry
 * (never seen from Kinesis, but possible from a broken proxy) counts as failed.
 */
export function telemetryReceipt(body: unknown, sent: readonly unknown[]): TelemetryReceipt {
  const entries =
    body !== null && typeof body === 'object' && Array.isArray((body as Record<string, unknown>).Records)
      ? ((body as Record<string, unknown>).Records as unknown[])
      : [];
  const records: TelemetryRecordResult[] = [];
  let accepted = 0;
  let failed = 0;
  let index = 0;
  for (const _ of sent) {
    const value = entries[index];
    const e = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    const errorCode = e === undefined ? 'MissingResult' : stringOrNull(e.ErrorCode);
    if (errorCode === null) accepted = accepted + 1;
    else failed = failed + 1;
    records.push({
      index,
      sequenceNumber: e === undefined ? null : stringOrNull(e.SequenceNumber),
      shardId: e === undefined ? null : stringOrNull(e.ShardId),
      errorCode,
      errorMessage: e === undefined ? 'Kinesis returned no result for this record' : stringOrNull(e.ErrorMessage),
    });
    index = index + 1;
  }
  return { accepted, failed, records };
}

/** The exception name of a Kinesis JSON error body ("__type", namespace prefix removed). */
export function kinesisErrorType(body: unknown): string {
  const t = body !== null && typeof body === 'object' ? (body as Record<string, unknown>).__type : undefined;
  if (typeof t !== 'string' || t.length === 0) return 'UnknownError';
  const hash = t.lastIndexOf('#');
  return hash >= 0 ? t.slice(hash + 1) : t;
}
