/**
 * The aggregator's pure core for one invocation: decode, validate and merge a
 * batch of Kinesis records into the window state.
 */
import { scoreUnits } from '../../core/keys.js';
import type { KinesisEventRecord, Malformed } from '../shared/kinesisRecord.js';
import { decodeTelemetryReference } from '../shared/kinesisRecord.js';
import { currentRaceIdOf, newScannedTelemetry, scanTelemetry } from '../shared/scanTelemetry.js';
import { mergeRecord, mergeRider, ridersOf } from './mergeRecord.js';
import type { RaceRiders, WindowState } from './windowState.js';

export interface FoldResult {
  received: number;
  malformed: Malformed[];
}

/**
 * Merges every valid record of `records` into `state` (in place). Malformed
 * records are returned, never thrown: one bad record must not block the shard.
 *
 * Plain valid records are scanned straight into one reused field object and
 * merged from it (no JSON value, no record object); every other record goes
 * through the reference path (JSON.parse + checkTelemetry), with the same result.
 */
export function foldBatch(state: WindowState, records: readonly KinesisEventRecord[], raceSeconds: number): FoldResult {
  const malformed: Malformed[] = [];
  const f = newScannedTelemetry();
  // A batch is mostly one race: remember its riders rather than build its key per record.
  let riders: RaceRiders | undefined;
  let classId = NaN;
  let raceId = NaN;
  let arrival: unknown = NaN;
  let currentRaceId: number | undefined;
  for (const rec of records) {
    const k = rec.kinesis;
    if (k.approximateArrivalTimestamp !== arrival) {
      arrival = k.approximateArrivalTimestamp;
      currentRaceId = currentRaceIdOf(arrival, raceSeconds);
    }
    if (scanTelemetry(k.data, raceSeconds, currentRaceId, f)) {
      if (riders === undefined || f.classId !== classId || f.raceId !== raceId) {
        classId = f.classId;
        raceId = f.raceId;
        riders = ridersOf(state, classId, raceId);
      }
      mergeRider(riders, f.racerId, f.second, scoreUnits(f.output), f.name);
      continue;
    }
    const d = decodeTelemetryReference(rec, raceSeconds);
    if (d.ok) mergeRecord(state, d.record);
    else malformed.push({ sequenceNumber: d.sequenceNumber, field: d.field, message: d.message });
  }
  return { received: records.length, malformed };
}
