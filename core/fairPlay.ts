/**
 * Fair play (contract §6): the rules every telemetry record must keep,
 * whatever path it came by. One pure module, APPSYNC_JS-safe: the aggregator
 * (live data), the finalizer (finals and results) and the resolvers (flag
 * names) share it.
 *
 * A broken rule flags the rider with the rule's name and the offending record
 * is not applied. Flags are a bit mask where they are stored per rider in
 * bulk (window state, LiveParts) and a list of names on Result items and in
 * the API.
 *
 * Outputs are compared in integer milli-kJ (core/keys.ts scoreUnits), and a
 * watt is exactly one milli-kJ per second, so the power rule is integer
 * arithmetic on the stored units.
 */
import { raceIdAt, raceStartMillis } from './raceClock.js';

/** The rules, as the API names them (schema.graphql FairPlayRule). */
export type FairPlayRule =
  | 'AHEAD_OF_CLOCK'
  | 'OUTPUT_DECREASED'
  | 'OUTPUT_TOO_FAST'
  | 'EARLY_FINAL'
  | 'CONFLICTING_FINAL';

/** Bit of each rule in a flag mask; the order is the order names are listed in. */
export const FAIR_PLAY_BITS: Readonly<Record<FairPlayRule, number>> = {
  AHEAD_OF_CLOCK: 1,
  OUTPUT_DECREASED: 2,
  OUTPUT_TOO_FAST: 4,
  EARLY_FINAL: 8,
  CONFLICTING_FINAL: 16,
};

export const FAIR_PLAY_RULES: readonly FairPlayRule[] = [
  'AHEAD_OF_CLOCK',
  'OUTPUT_DECREASED',
  'OUTPUT_TOO_FAST',
  'EARLY_FINAL',
  'CONFLICTING_FINAL',
];

/**
 * How far (seconds) a record's `second` may run ahead of the race clock at its
 * Kinesis arrival. Honest producers stamp the second they are in (the
 * simulator and the web app both take raceSecondAt of their own clock), and a
 * record arrives after it is sent, so an honest record is never ahead of the
 * producer's clock; what is left is the producer clock's lead over Kinesis's.
 * 2 s covers an unsynchronised device clock that NTP would correct, and is
 * still far from the minutes a forged second would need to gain anything.
 */
export const CLOCK_TOLERANCE_SECONDS = 2;

/**
 * Riders start together: a race takes new riders only in its first seconds,
 * so nobody wins by riding less of it (output counts from a rider's first
 * record, and a late joiner's legs are fresh). The window is a tenth of the
 * race, at least 10 s (time for the first records to be admitted on a short
 * local race) and at most 30 s.
 */
export const JOIN_SECONDS_MAX = 30;
export const JOIN_SECONDS_MIN = 10;

/** The last race second at which a race takes a new rider. */
export function joinDeadline(raceSeconds: number): number {
  return Math.min(JOIN_SECONDS_MAX, Math.max(JOIN_SECONDS_MIN, Math.ceil(raceSeconds / 10)));
}

/**
 * The race a rider starting at `nowMillis` rides: the running one while it
 * is in the first half of its join window (so that the first records, a
 * sign-in included, arrive well before the cutoff), else the next one, from
 * its start. The web app, the simulator and the tests start riders by it.
 */
export function raceToJoin(nowMillis: number, raceSeconds: number): number {
  const current = raceIdAt(nowMillis, raceSeconds);
  const second = (nowMillis - raceStartMillis(current, raceSeconds)) / 1000;
  return second <= joinDeadline(raceSeconds) / 2 ? current : current + 1;
}

/**
 * The moment (epoch ms) from which race `raceId` admits no new rider: a
 * rider is admitted only if their first record arrives (Kinesis arrival, as
 * for the clock rule) before it. It is the end of the join deadline's second
 * plus the clock tolerance: a device whose clock runs behind still sends
 * within its own deadline, so an honest rider the web app or the simulator
 * lets join is never late here.
 */
export function joinCutoffMillis(raceId: number, raceSeconds: number): number {
  return raceStartMillis(raceId, raceSeconds) + (joinDeadline(raceSeconds) + 1 + CLOCK_TOLERANCE_SECONDS) * 1000;
}

/** Whether a first record arriving at `arrivalMillis` lets its rider join; an unknown arrival (NaN) does. */
export function joinsOnTime(raceId: number, raceSeconds: number, arrivalMillis: number): boolean {
  return Number.isNaN(arrivalMillis) || arrivalMillis < joinCutoffMillis(raceId, raceSeconds);
}

/**
 * How long after the join cutoff recordTelemetry starts refusing riders the
 * race has not admitted. The aggregator admits a rider when it closes the
 * window that carried the rider's first records (a 5 s window plus its lag),
 * so right after the cutoff an honest rider who joined in time may not be
 * admitted yet. Between the cutoff and the end of this wait a late joiner's
 * records are accepted by the API and dropped by the aggregator, which judges
 * their arrival: the wait changes when the error comes, never who rides.
 */
export const ADMISSION_SETTLE_SECONDS = 15;

/** The moment (epoch ms) from which recordTelemetry refuses a rider race `raceId` has not admitted. */
export function lateJoinRefusedFromMillis(raceId: number, raceSeconds: number): number {
  return joinCutoffMillis(raceId, raceSeconds) + ADMISSION_SETTLE_SECONDS * 1000;
}

/** Physical ceiling: 3,000 W, i.e. 3,000 milli-kJ per elapsed second. */
export const MAX_UNITS_PER_SECOND = 3000;

/**
 * Rounding allowance of one step, in milli-kJ: producers round the cumulative
 * output to the milli-kJ after adding each second's energy, so a step may
 * exceed the exact energy by half a unit; one unit covers it.
 */
export const STEP_TOLERANCE_UNITS = 1;

/** The mask of one rule. */
export function flagOf(rule: FairPlayRule): number {
  return FAIR_PLAY_BITS[rule];
}

/** The names of the rules in a mask, in FAIR_PLAY_RULES order. */
export function flagNames(mask: number | undefined): FairPlayRule[] {
  const out: FairPlayRule[] = [];
  if (mask === undefined || mask === 0) return out;
  for (const rule of FAIR_PLAY_RULES) {
    if ((mask & FAIR_PLAY_BITS[rule]) !== 0) out.push(rule);
  }
  return out;
}

/** The mask of a list of names (unknown names are ignored). */
export function flagMask(names: readonly unknown[] | undefined): number {
  let mask = 0;
  if (names === undefined) return mask;
  for (const rule of FAIR_PLAY_RULES) {
    if (names.indexOf(rule) >= 0) mask = mask | FAIR_PLAY_BITS[rule];
  }
  return mask;
}

/**
 * Rule 1: the record's second is ahead of the race clock at its arrival
 * (epoch ms) by more than the tolerance.
 */
export function isAheadOfClock(raceId: number, raceSeconds: number, second: number, arrivalMillis: number): boolean {
  return second * 1000 > arrivalMillis - raceStartMillis(raceId, raceSeconds) + CLOCK_TOLERANCE_SECONDS * 1000;
}

/** Rule 3: a final is only sent at the race's last second. */
export function isEarlyFinal(event: string, second: number, raceSeconds: number): boolean {
  return event === 'final' && second !== raceSeconds;
}

/**
 * The latest `second` of race `raceId` a record arriving at `arrivalMillis`
 * may carry (rule 1); Infinity when the arrival is unknown (NaN). Callers
 * folding many records of one arrival compute it once.
 */
export function latestSecond(raceId: number, raceSeconds: number, arrivalMillis: number): number {
  if (Number.isNaN(arrivalMillis)) return Infinity;
  return (arrivalMillis - raceStartMillis(raceId, raceSeconds)) / 1000 + CLOCK_TOLERANCE_SECONDS;
}

/** Rules 1 and 3 for a record, given latestSecond of its race and arrival; 0 when it keeps both. */
export function recordFlagsUpTo(second: number, event: string, raceSeconds: number, latest: number): number {
  let mask = second > latest ? FAIR_PLAY_BITS.AHEAD_OF_CLOCK : 0;
  if (event === 'final' && second !== raceSeconds) mask = mask | FAIR_PLAY_BITS.EARLY_FINAL;
  return mask;
}

/** The per-record rules (1 and 3); 0 when the record keeps both. NaN arrival (unknown) skips the clock. */
export function recordFlags(
  raceId: number,
  raceSeconds: number,
  second: number,
  event: string,
  arrivalMillis: number,
): number {
  return recordFlagsUpTo(second, event, raceSeconds, latestSecond(raceId, raceSeconds, arrivalMillis));
}

/**
 * Rule 2 for one step of a rider, in `second` order: from the newest applied
 * record (second `fromSecond`, output `fromUnits`) to a newer record (`second`
 * > fromSecond, `units`, reporting `power` W). Returns the broken rule's bit,
 * or 0.
 *
 * - Output never decreases.
 * - The increase is at most the newer record's power for its own second plus
 *   the ceiling (3 kJ) for each second in between, plus rounding:
 *   `units − fromUnits ≤ power + 3000 × (gap − 1) + 1`.
 *
 * Why this bound: a bike's work counter gains each second that second's
 * energy, power × 1 s (the simulator adds power/1000 kJ per second; the web
 * app integrates skipped seconds at the current power). The newer record
 * reports the power of its own second; the seconds between two records that
 * arrive (dropped, late or reordered records in between) had powers we do not
 * know, each at most 3,000 W. So an honest rider never breaks it, whatever
 * was lost or reordered, while a record claiming more work than its power
 * allows is refused. A late OLDER record is not a step at all (the caller
 * compares only newer seconds); an equal second must repeat the output.
 */
export function stepFlag(fromSecond: number, fromUnits: number, second: number, units: number, power: number): number {
  if (units < fromUnits) return FAIR_PLAY_BITS.OUTPUT_DECREASED;
  const gap = second - fromSecond;
  const allowed = gap <= 0 ? 0 : power + MAX_UNITS_PER_SECOND * (gap - 1);
  if (units - fromUnits > allowed + STEP_TOLERANCE_UNITS) return FAIR_PLAY_BITS.OUTPUT_TOO_FAST;
  return 0;
}

/**
 * Rule 2 across a step whose newer record's power is unknown (only the
 * ceiling applies): `0 ≤ units − fromUnits ≤ 3000 × gap + 1`.
 */
export function ceilingStepFlag(fromSecond: number, fromUnits: number, second: number, units: number): number {
  return stepFlag(fromSecond, fromUnits, second, units, MAX_UNITS_PER_SECOND);
}
