/**
 * Riders start together (core/fairPlay.ts joinDeadline): a test that rides on
 * the local stack starts its riders at a race's start or early in its join
 * window, as the web app and the simulator do, never whenever the test happens
 * to begin.
 */
import { joinDeadline } from '../../core/fairPlay.js';
import { raceIdAt, raceStartMillis } from '../../core/raceClock.js';
import { sleepUntil } from './eventually.js';

/** A moment in a race: its id and the race second the clock was at (whole seconds). */
export interface RaceMoment {
  raceId: number;
  second: number;
}

/**
 * Waits until the race clock is between race seconds `from` and `to` of a
 * race — the running one if it is not past `to`, else the next — and returns
 * that race. `to` defaults to half the join deadline, the margin the web app
 * keeps, so that the first records (a rider's sign-up included) arrive well
 * before the join cutoff even on a loaded machine.
 */
export async function untilJoinable(
  raceSeconds: number,
  from = 0,
  to = Math.floor(joinDeadline(raceSeconds) / 2),
): Promise<RaceMoment> {
  for (;;) {
    const now = Date.now();
    const raceId = raceIdAt(now, raceSeconds);
    const at = (now - raceStartMillis(raceId, raceSeconds)) / 1000;
    if (at >= from && at < to + 1) return { raceId, second: Math.floor(at) };
    const next = raceStartMillis(at < from ? raceId : raceId + 1, raceSeconds) + from * 1000;
    await new Promise((resolve) => setTimeout(resolve, next - now + 20));
  }
}

/**
 * Waits until just after the next race starts (50 ms into its second 0), for a
 * test whose riders ride every second of a race; returns the race.
 */
export async function untilNextRaceStart(raceSeconds: number): Promise<number> {
  const raceId = raceIdAt(Date.now(), raceSeconds) + 1;
  await sleepUntil(raceStartMillis(raceId, raceSeconds) + 50);
  return raceId;
}

/** Waits until 50 ms into race second `second` of `raceId`; returns at once if that has passed. */
export function untilRaceSecond(raceId: number, raceSeconds: number, second: number): Promise<void> {
  return sleepUntil(raceStartMillis(raceId, raceSeconds) + second * 1000 + 50);
}
