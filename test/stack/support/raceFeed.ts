/**
 * The crash test's race, fully determined by its plan: which riders ride,
 * at what constant power, until which second, and whether they send a
 * `final`. Every value a rider sends follows from these, so the expected
 * results are computed from the plan and the records, not from the product.
 */
import { joinDeadline } from '../../../core/fairPlay.js';
import { raceIdAt, raceSecondAt, raceStartMillis } from '../../../core/raceClock.js';

/** A telemetry record, as a trusted producer puts it on the stream. */
export interface TelemetryValue {
  raceId: number;
  classId: number;
  racerId: string;
  name: string;
  second: number;
  power: number;
  output: number;
  event: 'update' | 'final';
  deviceTimestamp: number;
}

export interface Rider {
  racerId: string;
  name: string;
  classId: number;
  /** Constant power in watts: output grows by watts/1000 kJ per second. */
  watts: number;
  /** Riders who stop early: the share of the ride after which they send nothing more (no final). */
  dropsOutAfter?: number;
}

export interface RacePlan {
  raceId: number;
  raceSeconds: number;
  /** The first second the riders ride (0 when the race is joined at its start). */
  fromSecond: number;
}

/**
 * `perClass` riders in each class. Powers repeat every six riders, so equal
 * outputs (shared ranks) occur; the last three of each class drop out.
 */
export function ridersOf(classIds: readonly number[], perClass: number): Rider[] {
  return classIds.flatMap((classId) =>
    Array.from({ length: perClass }, (_, i): Rider => {
      const id = `c${classId}-r${String(i).padStart(2, '0')}`;
      const rider: Rider = { racerId: id, name: `Rider ${classId}.${i}`, classId, watts: 120 + 10 * (i % 6) };
      const fromEnd = perClass - i;
      if (fromEnd <= 3) rider.dropsOutAfter = [0.9, 0.6, 0.3][fromEnd - 1];
      return rider;
    }),
  );
}

/**
 * The race to ride: the running one while it is early in its join window
 * (riders start together: core/fairPlay.ts joinDeadline; half the window, as
 * the web app keeps) and at least `minRideSeconds` of it remain at `now`,
 * else the next one from its start.
 */
export function planRace(now: number, raceSeconds: number, minRideSeconds: number): RacePlan {
  const running = raceIdAt(now, raceSeconds);
  // Joined one second ahead, so the first tick is not already late.
  const from = raceSecondAt(running, raceSeconds, now) + 1;
  if (from <= Math.floor(joinDeadline(raceSeconds) / 2) && raceSeconds - from >= minRideSeconds) {
    return { raceId: running, raceSeconds, fromSecond: from };
  }
  return { raceId: running + 1, raceSeconds, fromSecond: 0 };
}

/** The last second a rider sends: the race's last second (with a final), or where they dropped out. */
export function lastSecondOf(rider: Rider, plan: RacePlan): number {
  if (rider.dropsOutAfter === undefined) return plan.raceSeconds;
  const ridden = plan.raceSeconds - 1 - plan.fromSecond;
  return plan.fromSecond + Math.floor(ridden * rider.dropsOutAfter);
}

export function finishes(rider: Rider): boolean {
  return rider.dropsOutAfter === undefined;
}

/** Cumulative output in kJ at `second`: whole joules, so every value is exact to the milli-kJ. */
export function outputAt(rider: Rider, plan: RacePlan, second: number): number {
  return (rider.watts * (second - plan.fromSecond)) / 1000;
}

/** When a second of the race is due on the race clock (epoch ms). */
export function secondDueAt(plan: RacePlan, second: number): number {
  return raceStartMillis(plan.raceId, plan.raceSeconds) + second * 1000;
}

/** A rider's record of one second: the update, or at the race's last second the final. */
export function recordOf(rider: Rider, plan: RacePlan, second: number): TelemetryValue {
  return {
    raceId: plan.raceId,
    classId: rider.classId,
    racerId: rider.racerId,
    name: rider.name,
    second,
    power: rider.watts,
    output: outputAt(rider, plan, second),
    event: second === plan.raceSeconds ? 'final' : 'update',
    deviceTimestamp: secondDueAt(plan, second),
  };
}

/** The records of every rider still riding at `second` (updates before the last second). */
export function updatesAt(riders: readonly Rider[], plan: RacePlan, second: number): TelemetryValue[] {
  return riders
    .filter((r) => second <= Math.min(lastSecondOf(r, plan), plan.raceSeconds - 1))
    .map((r) => recordOf(r, plan, second));
}

/**
 * A rider of another class who rides every race, one record per second of
 * the race clock: the stream never goes quiet, so the finalizer's position
 * moves past the race's end and it closes the race as on a live system.
 */
export function pacerRecordAt(now: number, raceSeconds: number, classId: number): TelemetryValue {
  const raceId = raceIdAt(now, raceSeconds);
  const second = raceSecondAt(raceId, raceSeconds, now);
  return {
    raceId,
    classId,
    racerId: 'pacer',
    name: 'Pacer',
    second,
    power: 100,
    output: second / 10,
    event: 'update',
    deviceTimestamp: now,
  };
}
