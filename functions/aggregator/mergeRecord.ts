/**
 * Merging one rider's record into the window state: the newest `second` wins;
 * a replay or an older, late record changes nothing (contract §2).
 */
import type { TelemetryRecord } from '../../core/telemetry.js';
import { scoreUnits } from '../../core/keys.js';
import type { RaceRiders, RiderTuple, WindowState } from './windowState.js';
import { raceKeyOf } from './windowState.js';

/**
 * True if `(second, units)` is newer than what `old` holds. At equal seconds
 * the larger output wins so that the result does not depend on arrival order.
 */
export function isNewer(old: RiderTuple | undefined, second: number, units: number): boolean {
  if (old === undefined) return true;
  if (second !== old[0]) return second > old[0];
  return units > old[1];
}

/** Merges one valid record into `state` (in place: the state is this invocation's own copy). */
export function mergeRecord(state: WindowState, rec: TelemetryRecord): void {
  const key = raceKeyOf(rec.classId, rec.raceId);
  let riders: RaceRiders | undefined = state.r[key];
  if (riders === undefined) {
    riders = {};
    state.r[key] = riders;
  }
  const old = riders[rec.racerId];
  const units = scoreUnits(rec.output);
  if (!isNewer(old, rec.second, units)) {
    // An older record changes no progress, but the name rides on a few records
    // only: keep it if the newer data has none (names are sticky, order-free).
    if (old !== undefined && old[2] === undefined && rec.name !== undefined) riders[rec.racerId] = [old[0], old[1], rec.name];
    return;
  }
  // A record without a name keeps the name seen before.
  const name = rec.name ?? old?.[2];
  riders[rec.racerId] = name === undefined ? [rec.second, units] : [rec.second, units, name];
}
