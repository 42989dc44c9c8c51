/**
 * The telemetry of one class following the race clock (pure: time is passed
 * in). Each call returns the records due since the previous call: one per
 * riding rider per second, the `final` at second = raceSeconds, and the next
 * race starting with the same riders. Riders start together: a feed started
 * after the running race's join deadline (core/fairPlay.ts joinDeadline)
 * waits for the next race instead of sending records the pipeline refuses.
 */
import { joinDeadline } from '../../core/fairPlay.js';
import { raceIdAt, raceSecondAt } from '../../core/raceClock.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import type { Ride, Rider } from './riderModel.js';
import { makeRoster, nextSecond, startRide } from './riderModel.js';

export interface ClassFeed {
  classId: number;
  riders: number;
  /** Records due at `nowMillis` that were not returned before. */
  recordsUntil(nowMillis: number): TelemetryRecord[];
}

export interface FeedOptions {
  classId: number;
  racers: number;
  raceSeconds: number;
  /** Seconds the feed catches up after a stall before skipping ahead silently (default 10). */
  maxCatchUpSeconds?: number;
}

export function createClassFeed(o: FeedOptions): ClassFeed {
  const roster: Rider[] = makeRoster(o.classId, o.racers);
  const maxCatchUp = o.maxCatchUpSeconds ?? 10;
  let raceId: number | undefined;
  let rides: Ride[] = [];
  let sentUpTo = -1;

  function emit(out: TelemetryRecord[], second: number, deviceTimestamp: number, silent: boolean): void {
    for (const ride of rides) {
      if (ride.second >= second) continue;
      let sample = nextSecond(ride);
      while (sample !== null && sample.second < second) sample = nextSecond(ride);
      if (sample === null || silent) continue;
      const final = second === o.raceSeconds;
      const rec: TelemetryRecord = {
        raceId: ride.raceId,
        classId: o.classId,
        racerId: ride.rider.racerId,
        second,
        power: sample.power,
        cadence: sample.cadence,
        resistance: sample.resistance,
        output: sample.output,
        event: final ? 'final' : 'update',
        deviceTimestamp,
      };
      // The name rides along once in a while (it is optional per record).
      if (second % 10 === 0 || second === 0 || final) rec.name = ride.rider.name;
      out.push(rec);
    }
  }

  function advanceTo(out: TelemetryRecord[], target: number, nowMillis: number): void {
    const silentBelow = target - maxCatchUp;
    for (let s = sentUpTo + 1; s <= target; s += 1) emit(out, s, nowMillis, s < silentBelow);
    sentUpTo = Math.max(sentUpTo, target);
  }

  return {
    classId: o.classId,
    riders: o.racers,
    recordsUntil(nowMillis) {
      const out: TelemetryRecord[] = [];
      const current = raceIdAt(nowMillis, o.raceSeconds);
      if (raceId !== undefined && raceId < current) {
        // Finish the race that ended (its last seconds and the finals), unless it is long gone.
        if (raceId === current - 1) advanceTo(out, o.raceSeconds, nowMillis);
        raceId = undefined;
      }
      if (raceId === undefined) {
        // Too late to join the race under way: nothing until the next one starts.
        if (raceSecondAt(current, o.raceSeconds, nowMillis) > joinDeadline(o.raceSeconds)) return out;
        raceId = current;
        rides = roster.map((r) => startRide(r, current, o.raceSeconds));
        sentUpTo = -1;
        // Joining a race under way: ride the earlier seconds silently.
        const now = raceSecondAt(current, o.raceSeconds, nowMillis);
        for (let s = 0; s < now; s += 1) emit(out, s, nowMillis, true);
        sentUpTo = now - 1;
      }
      advanceTo(out, raceSecondAt(current, o.raceSeconds, nowMillis), nowMillis);
      return out;
    },
  };
}
