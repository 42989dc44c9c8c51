/**
 * Merging one rider's record into the window state: the newest `second` wins;
 * a replay or an older, late record changes nothing.
 */
import type { TelemetryRecord } from '../../core/telemetry.js';
import { scoreUnits } from '../../core/keys.js';
import type { RaceRiders, RiderTuple, WindowState } from './windowState.js';
import { emptyRiders, raceKeyOf } from './windowState.js';

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

/** Merges one valid record into `state` (in place: the state is this invocation's own copy). */
export function mergeRecord(state: WindowState, rec: TelemetryRecord): void {
  mergeRider(ridersOf(state, rec.classId, rec.raceId), rec.racerId, rec.second, scoreUnits(rec.output), rec.name);
}
