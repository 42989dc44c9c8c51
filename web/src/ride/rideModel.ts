/**
 * The ride-along bike, as pure functions: effort → power, output accumulated
 * second by second as a real bike's work counter (kJ = W × s / 1000), and the
 * telemetry record of each second.
 */
import { raceEndMillis, raceSecondAt, raceStartMillis } from '../../../core/raceClock.js';
import { typicalWattsOf } from '../../../core/raceClasses.js';
import type { TelemetryInput } from '../data/types.js';

/** Effort 0..100 (slider or arrow keys). */
export const EFFORT_MIN = 0;
export const EFFORT_MAX = 100;
/**
 * Full effort is the power a strong rider of the class can hold for a whole
 * race: this many times the class's typical watts (core/raceClasses.ts), which
 * the simulator's field rides around. So 80 % is a typical rider of the class
 * and 100 % rides with the front of the field, whatever the class.
 */
export const FULL_EFFORT_SHARE = 1.25;

export function clampEffort(effort: number): number {
  if (!Number.isFinite(effort)) return EFFORT_MIN;
  return Math.max(EFFORT_MIN, Math.min(EFFORT_MAX, Math.round(effort)));
}

/** Watts at full effort in a class. */
export function fullEffortWatts(classId: number): number {
  return Math.round(typicalWattsOf(classId) * FULL_EFFORT_SHARE);
}

/**
 * Power in watts for an effort in a class: effort is the share of the class's
 * full-effort power, so the slider reads as a percentage of what a strong
 * rider holds (0 % is not pedalling at all).
 */
export function powerFromEffort(effort: number, classId: number): number {
  return Math.round((fullEffortWatts(classId) * clampEffort(effort)) / EFFORT_MAX);
}

/** Pedal cadence that goes with an effort (rpm). */
export function cadenceFromEffort(effort: number): number {
  return Math.round(60 + 0.5 * clampEffort(effort));
}

export interface RideState {
  classId: number;
  raceId: number;
  raceSeconds: number;
  racerId: string;
  name: string;
  /** The last second a record was made for; -1 before the first. */
  lastSecond: number;
  /** Cumulative output in kJ, milli-kJ precision. */
  output: number;
  /** Power of the last record (W). */
  power: number;
  /** True once the final record is made. */
  finished: boolean;
}

export function startRide(opts: {
  classId: number;
  raceId: number;
  raceSeconds: number;
  racerId: string;
  name: string;
}): RideState {
  return { ...opts, lastSecond: -1, output: 0, power: 0, finished: false };
}

/**
 * Advances the bike to `nowMillis`: at most one record, for the newest second
 * not yet reported. Seconds skipped (a throttled tab) are integrated at the
 * current power, so output never jumps by more than 3 kJ per elapsed second.
 * At or after the race's end the record is the `final` one, at second
 * raceSeconds.
 */
export function tick(
  state: RideState,
  nowMillis: number,
  effort: number,
): { state: RideState; record: TelemetryInput | null } {
  // Nothing before the start (the record would be for a race that is not running yet) or after the final.
  if (state.finished || nowMillis < raceStartMillis(state.raceId, state.raceSeconds)) return { state, record: null };
  const ended = nowMillis >= raceEndMillis(state.raceId, state.raceSeconds);
  const second = ended ? state.raceSeconds : raceSecondAt(state.raceId, state.raceSeconds, nowMillis);
  if (second <= state.lastSecond) return { state, record: null };
  const power = powerFromEffort(effort, state.classId);
  // The first record starts the work counter at 0 (joining mid-race rides from here).
  const elapsed = state.lastSecond < 0 ? 0 : second - state.lastSecond;
  const gained = Math.min(3, power / 1000) * elapsed;
  const output = Math.round((state.output + gained) * 1000) / 1000;
  const next: RideState = { ...state, lastSecond: second, output, power, finished: ended };
  const record: TelemetryInput = {
    raceId: state.raceId,
    classId: state.classId,
    racerId: state.racerId,
    name: state.name,
    second,
    power,
    cadence: cadenceFromEffort(effort),
    resistance: clampEffort(effort),
    output,
    event: ended ? 'final' : 'update',
    deviceTimestamp: Math.floor(nowMillis),
  };
  return { state: next, record };
}
