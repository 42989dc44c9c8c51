/**
 * The aggregator's pure core for one invocation: decode, validate and merge a
 * batch of Kinesis records into the window state.
 */
import { scoreUnits } from '../../core/keys.js';
import type { Malformed } from '../runtime/decodeTelemetry.js';
import { joinsOnTime, latestSecond, stepFlag } from '../../core/fairPlay.js';
import { decodeTelemetryReference } from '../runtime/decodeTelemetry.js';
import type { KinesisEventRecord } from '../runtime/kinesisRecord.js';
import { currentRaceIdOf, decodeChunk, newScannedTelemetry, scanDecoded } from '../runtime/scanTelemetry.js';
import { applyRider, checksOf, markJoin, mergeRecord, mergeRider, ridersOf } from './mergeRecord.js';
import type { RaceChecks, RaceRiders, WindowState } from './windowState.js';

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
  fairPlay = true,
): FoldResult {
  const malformed: Malformed[] = [];
  let refused = 0;
  const f = newScannedTelemetry();
  // A shard carries riders of every class, so records of a few races interleave: their
  // riders objects by (classId, raceId), looked up without building the state key.
  const races = new RaceCache(state);
  let arrival: unknown = NaN;
  let arrivalMillis = NaN;
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
        arrivalMillis = typeof arrival === 'number' ? arrival * 1000 : NaN;
      }
      if (scanDecoded(k - from, kinesis.data, raceSeconds, currentRaceId, f)) {
        const i = races.index(f.classId, f.raceId);
        const riders = races.riders(i);
        if (admits !== undefined && riders[f.racerId] === undefined && !admits(f.classId, f.raceId, f.racerId)) {
          refused += 1;
          continue;
        }
        const units = scoreUnits(f.output);
        if (!fairPlay) {
          mergeRider(riders, f.racerId, f.second, units, f.name);
          continue;
        }
        // The common case inline: a rider already in the window, an update within the clock, a clean
        // step (or an older record, which is no step). applyRider decides everything else.
        const old = riders[f.racerId];
        if (
          old !== undefined &&
          f.event === 'update' &&
          f.second <= races.latest(i, arrivalMillis, raceSeconds) &&
          (f.second < old[0] || stepFlag(old[0], old[1], f.second, units, f.power) === 0)
        ) {
          mergeRider(riders, f.racerId, f.second, units, f.name);
          continue;
        }
        // A rider's first record of the window: before the join cutoff, the window may admit the rider.
        if (old === undefined) races.markJoin(i, f.racerId, arrivalMillis, raceSeconds);
        applyRider(
          riders,
          races.checks(i),
          f.racerId,
          f.second,
          units,
          f.power,
          f.event,
          f.name,
          raceSeconds,
          races.latest(i, arrivalMillis, raceSeconds),
        );
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
        if (fairPlay) mergeRecord(state, r, raceSeconds, arrivalMillis);
        else mergeRider(ridersOf(state, r.classId, r.raceId), r.racerId, r.second, scoreUnits(r.output), r.name);
      } else malformed.push({ sequenceNumber: d.sequenceNumber, field: d.field, message: d.message });
    }
    from = to;
  }
  return { received: records.length, malformed, refused };
}

/** The riders and fair-play objects of the races one fold has met (a handful: the classes of one or two race slots). */
class RaceCache {
  private readonly classIds: number[] = [];
  private readonly raceIds: number[] = [];
  private readonly entries: RaceRiders[] = [];
  /** Fair-play maps, fetched on the first change (checksOf copies a shared one). */
  private readonly fair: Array<RaceChecks | undefined> = [];
  /** Per race: the arrival its latest allowed second was computed for, and that second (core/fairPlay.ts). */
  private readonly arrivals: number[] = [];
  private readonly latests: number[] = [];
  /** Per race: the arrival its join check was made for, and the answer (core/fairPlay.ts joinsOnTime). */
  private readonly joinArrivals: number[] = [];
  private readonly onTime: boolean[] = [];
  constructor(private readonly state: WindowState) {}

  /** The race's slot in the cache. */
  index(classId: number, raceId: number): number {
    const n = this.entries.length;
    for (let i = 0; i < n; i += 1) {
      if (this.classIds[i] === classId && this.raceIds[i] === raceId) return i;
    }
    // ridersOf keys races by their decimal text, so -0 and 0 are one race here too.
    if (n >= 32) {
      // More races than a shard ever carries at once: evict the oldest rather than grow.
      this.classIds.shift();
      this.raceIds.shift();
      this.entries.shift();
      this.fair.shift();
      this.arrivals.shift();
      this.latests.shift();
      this.joinArrivals.shift();
      this.onTime.shift();
    }
    this.classIds.push(classId);
    this.raceIds.push(raceId);
    this.entries.push(ridersOf(this.state, classId, raceId));
    this.fair.push(undefined);
    this.arrivals.push(NaN);
    this.latests.push(Infinity);
    this.joinArrivals.push(NaN);
    this.onTime.push(true);
    return this.entries.length - 1;
  }

  /**
   * Marks a rider new to the window as joining on time if `arrivalMillis` is
   * before race `i`'s join cutoff; the race's marks are made on the first one.
   */
  markJoin(i: number, racerId: string, arrivalMillis: number, raceSeconds: number): void {
    if (!Object.is(this.joinArrivals[i], arrivalMillis)) {
      this.joinArrivals[i] = arrivalMillis;
      this.onTime[i] = joinsOnTime(this.raceIds[i] as number, raceSeconds, arrivalMillis);
    }
    if (this.onTime[i] === true) markJoin(this.state, this.classIds[i] as number, this.raceIds[i] as number, racerId);
  }

  /** The latest second race `i` may carry at `arrivalMillis`, recomputed only when the arrival changes. */
  latest(i: number, arrivalMillis: number, raceSeconds: number): number {
    if (this.arrivals[i] !== arrivalMillis) {
      this.arrivals[i] = arrivalMillis;
      this.latests[i] = latestSecond(this.raceIds[i] as number, raceSeconds, arrivalMillis);
    }
    return this.latests[i] as number;
  }

  riders(i: number): RaceRiders {
    return this.entries[i] as RaceRiders;
  }

  checks(i: number): RaceChecks {
    let checks = this.fair[i];
    if (checks === undefined) {
      checks = checksOf(this.state, this.classIds[i] as number, this.raceIds[i] as number);
      this.fair[i] = checks;
    }
    return checks;
  }
}
