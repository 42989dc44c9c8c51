/**
 * Merging one rider's record into the window state: the newest `second` wins;
 * a replay or an older, late record changes nothing.
 */
import type { TelemetryRecord } from '../../core/telemetry.js';
import { scoreUnits } from '../../core/keys.js';
import { recordFlags, stepFlag } from '../../core/fairPlay.js';
import type { RaceChecks, RaceRiders, RiderTuple, WindowState } from './windowState.js';
import { emptyChecks, emptyRiders, raceKeyOf } from './windowState.js';

/**
 * True if `(second, units)` is newer than what `old` holds. At equal seconds
 * the larger output wins so that the result does not depend on arrival order.
 */
export function isNewer(old: RiderTuple | undefined, second: number, units: number): boolean {
  if (old === undefined) return true;
  if (second !== old[0]) return second > old[0];
  return units > old[1];
}

/** The riders of race `(classId, raceId)` in `state`, added empty if the state has none yet. */
export function ridersOf(state: WindowState, classId: number, raceId: number): RaceRiders {
  const key = raceKeyOf(classId, raceId);
  let riders: RaceRiders | undefined = state.r[key];
  if (riders === undefined) {
    riders = emptyRiders();
    state.r[key] = riders;
  }
  return riders;
}

/**
 * Merges one rider's valid record (second, output in score units, optional
 * name) into the riders of its race, in place: the rider's tuple is updated,
 * not replaced (the state and its tuples are this invocation's own: readState
 * copies what Lambda hands over), so a record allocates nothing unless it is
 * the rider's first.
 */
export function mergeRider(
  riders: RaceRiders,
  racerId: string,
  second: number,
  units: number,
  name: string | undefined,
): void {
  const old = riders[racerId];
  if (old === undefined) {
    riders[racerId] = name === undefined ? [second, units] : [second, units, name];
    return;
  }
  if (!isNewer(old, second, units)) {
    // An older record changes no progress, but the name rides on a few records
    // only: keep it if the newer data has none (names are sticky, order-free).
    if (old[2] === undefined && name !== undefined) old[2] = name;
    return;
  }
  old[0] = second;
  old[1] = units;
  // A record without a name keeps the name seen before.
  if (name !== undefined) old[2] = name;
}

/** The fair-play tuples of race `(classId, raceId)` in `state`, added empty if none yet. */
export function checksOf(state: WindowState, classId: number, raceId: number): RaceChecks {
  const key = raceKeyOf(classId, raceId);
  const f = state.f ?? (state.f = {});
  let checks: RaceChecks | undefined = f[key];
  if (checks === undefined) {
    checks = emptyChecks();
    f[key] = checks;
  }
  return checks;
}

/** A record as the fair-play rules need it (the fold reuses one object for every record). */
export interface RuledRecord {
  raceId: number;
  racerId: string;
  second: number;
  /** Output in milli-kJ. */
  units: number;
  power: number;
  event: string;
  name: string | undefined;
}

/**
 * Applies one valid record under the fair-play rules (core/fairPlay.ts): a
 * record ahead of the clock (its arrival, epoch ms; NaN: unknown), an early
 * final, or a step from the rider's newest record in this window that
 * decreases or outruns the power is not applied and flags the rider. An older
 * record is not a step (it changes nothing but a missing name). The first
 * record applied is kept for the window close's check against the stored part.
 */
export function applyRider(
  riders: RaceRiders,
  checks: RaceChecks,
  r: RuledRecord,
  raceSeconds: number,
  arrivalMillis: number,
): void {
  const old = riders[r.racerId];
  let broken = recordFlags(r.raceId, raceSeconds, r.second, r.event, arrivalMillis);
  if (broken === 0 && old !== undefined && r.second >= old[0])
    broken = stepFlag(old[0], old[1], r.second, r.units, r.power);
  const fair = checks[r.racerId];
  if (broken !== 0) {
    if (fair === undefined) checks[r.racerId] = [-1, 0, 0, broken];
    else fair[3] = fair[3] | broken;
    return;
  }
  if (fair === undefined) checks[r.racerId] = [r.second, r.units, r.power, 0];
  else if (fair[0] < 0) {
    fair[0] = r.second;
    fair[1] = r.units;
    fair[2] = r.power;
  }
  mergeRider(riders, r.racerId, r.second, r.units, r.name);
}

/** Applies one valid record to `state` (in place: the state is this invocation's own copy). */
export function mergeRecord(
  state: WindowState,
  rec: TelemetryRecord,
  raceSeconds: number,
  arrivalMillis: number,
): void {
  applyRider(
    ridersOf(state, rec.classId, rec.raceId),
    checksOf(state, rec.classId, rec.raceId),
    {
      raceId: rec.raceId,
      racerId: rec.racerId,
      second: rec.second,
      units: scoreUnits(rec.output),
      power: rec.power,
      event: rec.event,
      name: rec.name,
    },
    raceSeconds,
    arrivalMillis,
  );
}
