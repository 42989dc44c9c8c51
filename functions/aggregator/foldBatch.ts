/**
 * The aggregator's pure core for one invocation: decode, validate and merge a
 * batch of Kinesis records into the window state.
 */
import { scoreUnits } from '../../core/keys.js';
import type { Malformed } from '../runtime/decodeTelemetry.js';
import { decodeTelemetryReference } from '../runtime/decodeTelemetry.js';
import type { KinesisEventRecord } from '../runtime/kinesisRecord.js';
import { currentRaceIdOf, decodeChunk, newScannedTelemetry, scanDecoded } from '../runtime/scanTelemetry.js';
import { mergeRecord, mergeRider, ridersOf } from './mergeRecord.js';
import type { RaceRiders, WindowState } from './windowState.js';

export interface FoldResult {
  received: number;
  malformed: Malformed[];
  /** Valid records dropped because their rider was not admitted to a full race. */
  refused: number;
}

/**
 * Whether a rider the window state does not hold yet may enter it: false for
 * a rider of a race known to be full who was not admitted (closeWindow
 * learns which races are full). Keeps a flood of refused riders out of the
 * state, which Lambda caps at 1 MB per shard.
 */
export type AdmitsRider = (classId: number, raceId: number, racerId: string) => boolean;

/**
 * Merges every valid record of `records` into `state` (in place). Malformed
 * records are returned, never thrown: one bad record must not block the shard.
 *
 * Plain valid records are scanned straight into one reused field object and
 * merged from it (no JSON value, no record object); every other record goes
 * through the reference path (JSON.parse + checkTelemetry), with the same result.
 */
export function foldBatch(
  state: WindowState,
  records: readonly KinesisEventRecord[],
  raceSeconds: number,
  admits?: AdmitsRider,
): FoldResult {
  const malformed: Malformed[] = [];
  let refused = 0;
  const f = newScannedTelemetry();
  // A shard carries riders of every class, so records of a few races interleave: their
  // riders objects by (classId, raceId), looked up without building the state key.
  const races = new RaceCache(state);
  let arrival: unknown = NaN;
  let currentRaceId: number | undefined;
  for (let from = 0; from < records.length; ) {
    // Base64 of many records decoded in one call; then each record scanned from its bytes.
    const to = decodeChunk(records, from);
    for (let k = from; k < to; k += 1) {
      const rec = records[k] as KinesisEventRecord;
      const kinesis = rec.kinesis;
      if (kinesis.approximateArrivalTimestamp !== arrival) {
        arrival = kinesis.approximateArrivalTimestamp;
        currentRaceId = currentRaceIdOf(arrival, raceSeconds);
      }
      if (scanDecoded(k - from, kinesis.data, raceSeconds, currentRaceId, f)) {
        const riders = races.riders(f.classId, f.raceId);
        if (admits !== undefined && riders[f.racerId] === undefined && !admits(f.classId, f.raceId, f.racerId)) {
          refused += 1;
          continue;
        }
        mergeRider(riders, f.racerId, f.second, scoreUnits(f.output), f.name);
        continue;
      }
      const d = decodeTelemetryReference(rec, raceSeconds);
      if (d.ok) {
        const r = d.record;
        if (
          admits !== undefined &&
          ridersOf(state, r.classId, r.raceId)[r.racerId] === undefined &&
          !admits(r.classId, r.raceId, r.racerId)
        ) {
          refused += 1;
          continue;
        }
        mergeRecord(state, r);
      } else malformed.push({ sequenceNumber: d.sequenceNumber, field: d.field, message: d.message });
    }
    from = to;
  }
  return { received: records.length, malformed, refused };
}

/** The riders objects of the races one fold has met (a handful: the classes of one or two race slots). */
class RaceCache {
  private readonly classIds: number[] = [];
  private readonly raceIds: number[] = [];
  private readonly entries: RaceRiders[] = [];
  constructor(private readonly state: WindowState) {}

  riders(classId: number, raceId: number): RaceRiders {
    const n = this.entries.length;
    for (let i = 0; i < n; i += 1) {
      if (this.classIds[i] === classId && this.raceIds[i] === raceId) return this.entries[i] as RaceRiders;
    }
    // ridersOf keys races by their decimal text, so -0 and 0 are one race here too.
    const riders = ridersOf(this.state, classId, raceId);
    if (n < 32) {
      this.classIds.push(classId);
      this.raceIds.push(raceId);
      this.entries.push(riders);
    }
    return riders;
  }
}
