/**
 * A Race as the schema shows it: the slot and status come from the race clock
 * (core/raceClock.ts), the summary fields from the finalizer's race summary
 * item (core/raceSummary.ts), null until it is written.
 */
import { util } from '@aws-appsync/utils';
import { raceEndMillis, raceStartMillis, raceStatusAt } from '../../core/raceClock.js';
import type { Race } from '../../core/generated/schema.js';
import type { RaceSummary } from '../../core/raceSummary.js';

/** The Race of (classId, raceId) at `nowMillis`, with its summary if there is one. */
export function raceView(
  classId: number,
  raceId: number,
  raceSeconds: number,
  nowMillis: number,
  summary: RaceSummary | null | undefined,
): Race {
  const s: Partial<RaceSummary> = summary ?? {};
  return {
    classId,
    raceId,
    startsAt: util.time.epochMilliSecondsToISO8601(raceStartMillis(raceId, raceSeconds)),
    endsAt: util.time.epochMilliSecondsToISO8601(raceEndMillis(raceId, raceSeconds)),
    status: raceStatusAt(raceId, raceSeconds, nowMillis),
    raceSeconds,
    competitors: s.competitors ?? null,
    finishers: s.finishers ?? null,
    winnerRacerId: s.winnerRacerId ?? null,
    winnerName: s.winnerName ?? null,
    bestOutput: s.bestOutput ?? null,
  };
}
