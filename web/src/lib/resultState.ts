/** What a race's result page can say about it, from the race and how many results it has. */
import { DEFAULT_GRACE_SECONDS } from '../../../core/raceClock.js';

/**
 * How long after a race's end (beyond the grace period for late records) a
 * race with no result at all counts as nobody's: the finalizer closes a race
 * and writes its results within a few windows of the grace period's end.
 */
const NOBODY_AFTER_SECONDS = DEFAULT_GRACE_SECONDS + 60;

/**
 * Why a race has no (complete) result yet: still running, being written, or
 * ridden by nobody (its results stayed empty long after it closed).
 */
export function resultState(
  race: { status: string; competitors?: number | null },
  resultCount: number,
  endsAtMillis: number,
  nowMillis: number,
): 'running' | 'writing' | 'nobody' | 'done' {
  if (race.status === 'RUNNING' || race.status === 'SCHEDULED') return 'running';
  if (race.competitors === 0) return 'nobody';
  if (race.competitors !== null && race.competitors !== undefined) return 'done';
  if (resultCount === 0 && nowMillis - endsAtMillis > NOBODY_AFTER_SECONDS * 1000) return 'nobody';
  return 'writing';
}
