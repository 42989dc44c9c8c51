/**
 * The aggregator's pure core for one invocation: decode, validate and merge a
 * batch of Kinesis records into the window state.
 */
import { scoreUnits } from '../../core/keys.js';
import type { Malformed } from '../runtime/decodeTelemetry.js';
import { joinsOnTime, latestSecond, stepFlag } from '../../core/fairPlay.js';
import { decodeTelemetryReference } from '../runtime/decodeTelemetry.js';
import type { KinesisEventRecord } from '../runtime/kinesisRecord.js';
import { currentRaceIdOf } from '../runtime/kinesisRecord.js';
import { decodeChunk, newScannedTelemetry, scanDecoded } from '../runtime/scanTelemetry.js';
import { applyRider, checksOf, markJoin, mergeRecord, mergeRider, ridersOf } from './mergeRecord.js';
import type { RaceChecks, RaceRiders, WindowState } from './windowState.js';
import { raceKeyOf } from './windowState.js';

export interface FoldResult {
  received: number;
  malformed: Malformed[];
  /** Valid records dropped because their rider was not admitted to a full race. */
  refused: number;
  /** Valid records dropped because their rider joined after the race's join cutoff (never admitted). */
  late: number;
  /**
   * Races (windowState.ts raceKeyOf) whose riders past the join cutoff could
   * not be judged in this fold (`partRiders` did not know the shard's part):
   * their newcomers entered the state, and the caller judges them
   * (shardRiders.ts keepAdmitted) before the state goes back to Lambda.
   */
  unjudged: string[];
}

/**
 * Whether a rider the window state does not hold yet may enter it: false for
 * a rider of a race known to be full who was not admitted (closeWindow
 * learns which races are full). Keeps a flood of refused riders out of the
 * state, which Lambda caps at 1 MB per shard.
 */
export type AdmitsRider = (classId: number, raceId: number, racerId: string) => boolean;

/**
 * The riders the shard's part of a race holds (the riders its earlier windows
 * admitted), if this container knows them for the window being folded
 * (shardRiders.ts); undefined if not. After a race's join cutoff only these
 * riders, and riders whose first record of this window came in time, may
 * enter the window state: a newcomer arriving later is dropped at once, so a
 * flood of late joiners takes no room in the state (Lambda caps it at 1 MB
 * per shard).
 */
export type PartRiders = (classId: number, raceId: number) => ReadonlySet<string> | undefined;

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
  partRiders?: PartRiders,
): FoldResult {
  const malformed: Malformed[] = [];
  let refused = 0;
  let late = 0;
  const f = newScannedTelemetry();
  // A shard carries riders of every class, so records of a few races interleave: their
  // riders objects by (classId, raceId), looked up without building the state key.
  const races = new RaceCache(state, partRiders);
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
        const old = riders[f.racerId];
        if (old === undefined) {
          if (admits !== undefined && !admits(f.classId, f.raceId, f.racerId)) {
            refused += 1;
            continue;
          }
          // A rider's first record of the window: joins in time (marked), is already admitted, or is dropped.
          if (fairPlay && !races.joins(i, f.racerId, arrivalMillis, raceSeconds)) {
            late += 1;
            continue;
          }
        }
        const units = scoreUnits(f.output);
        if (!fairPlay) {
          mergeRider(riders, f.racerId, f.second, units, f.name);
          continue;
        }
        // The common case inline: a rider already in the window, an update within the clock, a clean
        // step (or an older record, which is no step). applyRider decides everything else.
        if (
          old !== undefined &&
          f.event === 'update' &&
          f.second <= races.latest(i, arrivalMillis, raceSeconds) &&
          (f.second < old[0] || stepFlag(old[0], old[1], f.second, units, f.power) === 0)
        ) {
          mergeRider(riders, f.racerId, f.second, units, f.name);
          continue;
        }
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
        if (ridersOf(state, r.classId, r.raceId)[r.racerId] === undefined) {
          if (admits !== undefined && !admits(r.classId, r.raceId, r.racerId)) {
            refused += 1;
            continue;
          }
          if (fairPlay && !races.joins(races.index(r.classId, r.raceId), r.racerId, arrivalMillis, raceSeconds)) {
            late += 1;
            continue;
          }
        }
        if (fairPlay) mergeRecord(state, r, raceSeconds, arrivalMillis);
        else mergeRider(ridersOf(state, r.classId, r.raceId), r.racerId, r.second, scoreUnits(r.output), r.name);
      } else malformed.push({ sequenceNumber: d.sequenceNumber, field: d.field, message: d.message });
    }
    from = to;
  }
  return { received: records.length, malformed, refused, late, unjudged: races.unjudged() };
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
  /** Per race: the shard's admitted riders (null: not asked yet; undefined: not known). */
  private readonly parts: Array<ReadonlySet<string> | undefined | null> = [];
  /** Races whose late newcomers could not be judged here. */
  private readonly unknown = new Set<string>();
  constructor(private readonly state: WindowState, private readonly partRiders: PartRiders | undefined) {}

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
      this.parts.shift();
    }
    this.classIds.push(classId);
    this.raceIds.push(raceId);
    this.entries.push(ridersOf(this.state, classId, raceId));
    this.fair.push(undefined);
    this.arrivals.push(NaN);
    this.latests.push(Infinity);
    this.joinArrivals.push(NaN);
    this.onTime.push(true);
    this.parts.push(null);
    return this.entries.length - 1;
  }

  /**
   * Whether a rider new to the window may enter race `i`'s state with a
   * record arriving at `arrivalMillis`: before the race's join cutoff (the
   * rider is marked: the window close may admit them), or after it if the
   * window marked them already or the shard's part holds them. A rider the
   * container cannot judge (part unknown) enters, and the race is noted.
   */
  joins(i: number, racerId: string, arrivalMillis: number, raceSeconds: number): boolean {
    const classId = this.classIds[i] as number;
    const raceId = this.raceIds[i] as number;
    if (!Object.is(this.joinArrivals[i], arrivalMillis)) {
      this.joinArrivals[i] = arrivalMillis;
      this.onTime[i] = joinsOnTime(raceId, raceSeconds, arrivalMillis);
    }
    if (this.onTime[i] === true) {
      markJoin(this.state, classId, raceId, racerId);
      return true;
    }
    if (this.state.j?.[raceKeyOf(classId, raceId)]?.[racerId] === 1) return true;
    let part = this.parts[i];
    if (part === null) {
      part = this.partRiders === undefined ? undefined : this.partRiders(classId, raceId);
      this.parts[i] = part;
    }
    if (part === undefined) {
      this.unknown.add(raceKeyOf(classId, raceId));
      return true;
    }
    return part.has(racerId);
  }

  /** Races noted by joins as not judged. */
  unjudged(): string[] {
    return [...this.unknown];
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
