/**
 * A Race as the schema shows it: the slot and status come from the race clock
 * (contract §1), the summary fields from the finalizer's race item, null until
 * it is written.
 */
import { util } from '@aws-appsync/utils';
import { raceEndMillis, raceStartMillis, raceStatusAt } from '../../core/raceClock.js';
import type { Race } from '../../core/generated/schema.js';

/** The finalizer's race summary item (PK CLASS#c, SK RACE#raceId), as DynamoDB returns it. */
export interface RaceSummaryItem {
  readonly competitors?: number | null;
  readonly finishers?: number | null;
  readonly winnerRacerId?: string | null;
  readonly winnerName?: string | null;
  readonly bestOutput?: number | null;
}

/** The Race of (classId, raceId) at `nowMillis`, with its summary if there is one. */
export function raceView(
  classId: number,
  raceId: number,
  raceSeconds: number,
  nowMillis: number,
  summary: RaceSummaryItem | null | undefined,
): Race {
  const s = summary ?? {};
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
