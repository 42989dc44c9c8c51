/**
 * Merging one rider's record into the window state: the newest `second` wins;
 * a replay or an older, late record changes nothing.
 */
import type { TelemetryRecord } from '../../core/telemetry.js';
import { scoreUnits } from '../../core/keys.js';
import { flagOf, joinsOnTime, latestSecond, stepFlag } from '../../core/fairPlay.js';

const AHEAD = flagOf('AHEAD_OF_CLOCK');
const EARLY = flagOf('EARLY_FINAL');
import type { RaceChecks, RaceJoins, RaceRiders, RiderTuple, WindowState } from './windowState.js';
import { emptyChecks, emptyJoins, emptyRiders, isFairTuple, raceKeyOf } from './windowState.js';

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

/** Fair-play maps this process made or copied: the ones a fold may change (see checksOf). */
const ownChecks = new WeakSet<RaceChecks>();

/**
 * The fair-play tuples of race `(classId, raceId)` in `state`, to change:
 * added empty if none yet. readState shares the maps of the state Lambda
 * handed over (copying them on every invocation would cost every record), so
 * a shared map is copied here, on the first change of an invocation; callers
 * ask for it only when they change it.
 */
export function checksOf(state: WindowState, classId: number, raceId: number): RaceChecks {
  const key = raceKeyOf(classId, raceId);
  const f = state.f ?? (state.f = {});
  const shared: RaceChecks | undefined = f[key];
  if (shared !== undefined && ownChecks.has(shared)) return shared;
  const checks = shared === undefined ? emptyChecks() : Object.assign(emptyChecks(), shared);
  ownChecks.add(checks);
  f[key] = checks;
  return checks;
}

/**
 * Applies one valid record under the fair-play rules (core/fairPlay.ts): a
 * record ahead of the clock (`latest`: core/fairPlay.ts latestSecond of its
 * race and arrival), an early final, or a step from the rider's newest record
 * in this window that decreases or outruns the power is not applied and flags
 * the rider. An older record is not a step (it changes nothing but a missing
 * name). The first record applied is kept for the window close's check
 * against the stored part. `units` is the output in milli-kJ.
 */
export function applyRider(
  riders: RaceRiders,
  checks: RaceChecks,
  racerId: string,
  second: number,
  units: number,
  power: number,
  event: string,
  name: string | undefined,
  raceSeconds: number,
  latest: number,
): void {
  const old = riders[racerId];
  let broken = second > latest ? AHEAD : 0;
  if (event === 'final' && second !== raceSeconds) broken = broken | EARLY;
  if (broken === 0 && old !== undefined && second >= old[0]) broken = stepFlag(old[0], old[1], second, units, power);
  // The fair-play map is read only for a rider's first applied record of the window and for a
  // broken rule (rare), never on the common path; its tuples are replaced, not changed (readState shares them).
  if (broken === 0 && old !== undefined) {
    mergeRider(riders, racerId, second, units, name);
    return;
  }
  const stored = checks[racerId];
  const fair = isFairTuple(stored) ? stored : undefined;
  if (broken !== 0) {
    checks[racerId] = fair === undefined ? [-1, 0, 0, broken] : [fair[0], fair[1], fair[2], fair[3] | broken];
    return;
  }
  if (fair === undefined) checks[racerId] = [second, units, power, 0];
  else if (fair[0] < 0) checks[racerId] = [second, units, power, fair[3]];
  mergeRider(riders, racerId, second, units, name);
}

/**
 * Marks a rider as joining race `(classId, raceId)` in time: their first
 * record of the window arrived before the race's join cutoff (the window
 * close admits only marked newcomers: livePartStore.ts).
 */
export function markJoin(state: WindowState, classId: number, raceId: number, racerId: string): void {
  const key = raceKeyOf(classId, raceId);
  const j = state.j ?? (state.j = {});
  const shared: RaceJoins | undefined = j[key];
  if (shared !== undefined && shared[racerId] === 1) return;
  let marks: RaceJoins;
  if (shared !== undefined && ownJoins.has(shared)) marks = shared;
  else {
    // readState shares the marks Lambda handed over: copied on the invocation's first addition.
    marks = shared === undefined ? emptyJoins() : Object.assign(emptyJoins(), shared);
    ownJoins.add(marks);
    j[key] = marks;
  }
  marks[racerId] = 1;
}

/** Join marks this process made or copied: the ones markJoin may add to. */
const ownJoins = new WeakSet<RaceJoins>();

/**
 * Applies one valid record to `state` (in place: the state is this
 * invocation's own copy); a rider's first record of the window is marked if
 * it arrived in time to join (markJoin).
 */
export function mergeRecord(
  state: WindowState,
  rec: TelemetryRecord,
  raceSeconds: number,
  arrivalMillis: number,
): void {
  const riders = ridersOf(state, rec.classId, rec.raceId);
  if (riders[rec.racerId] === undefined && joinsOnTime(rec.raceId, raceSeconds, arrivalMillis)) {
    markJoin(state, rec.classId, rec.raceId, rec.racerId);
  }
  applyRider(
    riders,
    checksOf(state, rec.classId, rec.raceId),
    rec.racerId,
    rec.second,
    scoreUnits(rec.output),
    rec.power,
    rec.event,
    rec.name,
    raceSeconds,
    latestSecond(rec.raceId, raceSeconds, arrivalMillis),
  );
}
