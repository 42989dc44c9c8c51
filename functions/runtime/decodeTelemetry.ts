/**
 * Decoding of the telemetry carried by Kinesis records: base64
 * of UTF-8 JSON. Decoding never throws: a bad record becomes a `Malformed`.
 */
import type { TelemetryRecord } from '../../core/telemetry.js';
import { checkTelemetry } from '../../core/telemetry.js';
import { errorMessage } from '../../lib/toError.js';
import type { KinesisEventRecord } from './kinesisRecord.js';
import { currentRaceIdOf } from './kinesisRecord.js';
import type { ScannedTelemetry } from './scanTelemetry.js';
import { newScannedTelemetry, scanTelemetry } from './scanTelemetry.js';

export interface Malformed {
  sequenceNumber: string;
  field: string;
  message: string;
}

export type Decoded = { ok: true; record: TelemetryRecord } | ({ ok: false } & Malformed);

const scratch: ScannedTelemetry = newScannedTelemetry();

/**
 * Decodes and validates one record. `approximateArrivalTimestamp` (seconds,
 * as Lambda delivers it) gives the race slot the record arrived in, so a record
 * of a race older than the one just ended is rejected as the contract says.
 * Plain valid records take the fast path (scanTelemetry.ts); the result
 * is the reference path's in every case.
 */
export function decodeTelemetry(rec: KinesisEventRecord, raceSeconds: number): Decoded {
  const currentRaceId = currentRaceIdOf(rec.kinesis.approximateArrivalTimestamp, raceSeconds);
  if (!scanTelemetry(rec.kinesis.data, raceSeconds, currentRaceId, scratch))
    return decodeTelemetryReference(rec, raceSeconds);
  return { ok: true, record: toTelemetryRecord(scratch) };
}

/** The record `checkTelemetry` returns for these fields (same keys, same order). */
export function toTelemetryRecord(f: ScannedTelemetry): TelemetryRecord {
  const record: TelemetryRecord = {
    raceId: f.raceId,
    classId: f.classId,
    racerId: f.racerId,
    second: f.second,
    power: f.power,
    output: f.output,
    event: f.event,
    deviceTimestamp: f.deviceTimestamp,
  };
  if (f.name !== undefined) record.name = f.name;
  if (!Number.isNaN(f.cadence)) record.cadence = f.cadence;
  if (!Number.isNaN(f.resistance)) record.resistance = f.resistance;
  return record;
}

/**
 * The reference path: `JSON.parse` of the UTF-8 text of the base64 data, then
 * `checkTelemetry`. It decides every record the fast path leaves.
 */
export function decodeTelemetryReference(rec: KinesisEventRecord, raceSeconds: number): Decoded {
  const seq = rec.kinesis.sequenceNumber;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(rec.kinesis.data, 'base64').toString('utf8'));
  } catch (error) {
    return { ok: false, sequenceNumber: seq, field: 'data', message: `not JSON: ${errorMessage(error)}` };
  }
  const currentRaceId = currentRaceIdOf(rec.kinesis.approximateArrivalTimestamp, raceSeconds);
  const check = checkTelemetry(value, { raceSeconds, currentRaceId });
  if (!check.ok) return { ok: false, sequenceNumber: seq, field: check.field, message: check.message };
  return check;
}
