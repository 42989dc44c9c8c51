/**
 * Decoding of the telemetry carried by Kinesis records (contract §2): base64
 * of UTF-8 JSON. Decoding never throws: a bad record becomes a `Malformed`.
 */
import type { TelemetryRecord } from '../../core/telemetry.js';
import { checkTelemetry } from '../../core/telemetry.js';
import { raceIdAt } from '../../core/raceClock.js';

/** The part of a Lambda Kinesis event record the functions read. */
export interface KinesisEventRecord {
  eventID?: string;
  eventSourceARN?: string;
  kinesis: {
    data: string;
    sequenceNumber: string;
    partitionKey?: string;
    approximateArrivalTimestamp?: number;
  };
}

export interface Malformed {
  sequenceNumber: string;
  field: string;
  message: string;
}

export type Decoded = { ok: true; record: TelemetryRecord } | ({ ok: false } & Malformed);

/**
 * Decodes and validates one record. `approximateArrivalTimestamp` (seconds,
 * as Lambda delivers it) gives the race slot the record arrived in, so a record
 * of a race older than the one just ended is rejected as the contract says.
 */
export function decodeTelemetry(rec: KinesisEventRecord, raceSeconds: number): Decoded {
  const seq = rec.kinesis.sequenceNumber;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(rec.kinesis.data, 'base64').toString('utf8'));
  } catch (error) {
    return { ok: false, sequenceNumber: seq, field: 'data', message: `not JSON: ${(error as Error).message}` };
  }
  const arrival = rec.kinesis.approximateArrivalTimestamp;
  const currentRaceId = typeof arrival === 'number' ? raceIdAt(arrival * 1000, raceSeconds) : undefined;
  const check = checkTelemetry(value, { raceSeconds, currentRaceId });
  if (!check.ok) return { ok: false, sequenceNumber: seq, field: check.field, message: check.message };
  return check;
}

/**
 * The shard a record came from. Lambda's Kinesis records carry
 * `eventID = "<shardId>:<sequenceNumber>"`.
 */
export function shardIdOf(rec: KinesisEventRecord): string | undefined {
  const id = rec.eventID;
  if (typeof id !== 'string') return undefined;
  const colon = id.indexOf(':');
  return colon > 0 ? id.slice(0, colon) : undefined;
}
