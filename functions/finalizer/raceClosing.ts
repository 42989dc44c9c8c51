/**
 * Pure parts of closing a race: which races are due, and which riders still
 * need a not-finished result (the summary is core/raceSummary.ts).
 */
import { racerIdOfRiderMapKey } from '../../core/keys.js';
import type { LiveRider, LiveRiders } from '../../core/livePart.js';
import { mergeRiders } from '../../core/livePart.js';
import type { OpenRace } from '../../core/openRace.js';
import { raceEndMillis } from '../../core/raceClock.js';
import type { ResultItem } from '../../core/resultItem.js';
import { buildResultItem } from '../../core/resultItem.js';

/** Races whose slot plus the grace period has passed at `nowMillis`. */
export function dueRaces(
  open: readonly OpenRace[],
  nowMillis: number,
  raceSeconds: number,
  graceSeconds: number,
): OpenRace[] {
  return open.filter((r) => nowMillis >= raceEndMillis(r.raceId, raceSeconds) + graceSeconds * 1000);
}

/**
 * Races no finalizer has processed a record of for `quietMs` (or whose
 * marker does not say): the scheduled close takes only these, so that it
 * never closes a race whose records a consumer running behind is still
 * reading (that consumer closes it itself once it has read past its end).
 */
export function quietRaces(open: readonly OpenRace[], nowMillis: number, quietMs: number): OpenRace[] {
  return open.filter((r) => r.lastRecordAt === undefined || nowMillis - r.lastRecordAt >= quietMs);
}

/**
 * A not-finished result for every rider seen live who has no result yet,
 * from their last live data (output and second).
 */
export function notFinishedResults(
  race: OpenRace,
  parts: readonly LiveRiders[],
  haveResult: ReadonlySet<string>,
): ResultItem[] {
  let all: LiveRiders = {};
  for (const p of parts) all = mergeRiders(all, p).riders;
  const out: ResultItem[] = [];
  for (const [key, r] of Object.entries(all) as Array<[string, LiveRider]>) {
    const racerId = racerIdOfRiderMapKey(key);
    if (haveResult.has(racerId)) continue;
    out.push(
      buildResultItem({
        classId: race.classId,
        raceId: race.raceId,
        racerId,
        ...(r.name === undefined ? {} : { name: r.name }),
        output: r.output,
        lastSecond: r.second,
        finished: false,
      }),
    );
  }
  return out;
}
