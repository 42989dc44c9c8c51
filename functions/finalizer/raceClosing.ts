/**
 * Pure parts of closing a race: which races are due, which riders still need
 * a not-finished result, and the race summary.
 */
import { rankEntries } from '../../core/ranking.js';
import { raceEndMillis } from '../../core/raceClock.js';
import type { LiveRiders } from '../shared/liveRiders.js';
import { mergeLiveRiders } from '../shared/liveRiders.js';
import type { ResultItem } from './resultItem.js';
import { buildResultItem } from './resultItem.js';

export interface OpenRace {
  classId: number;
  raceId: number;
  /** When a finalizer last processed a record of the race (epoch ms; OpenRace markers only). */
  lastRecordAt?: number;
}

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
  for (const p of parts) all = mergeLiveRiders(all, p).riders;
  const out: ResultItem[] = [];
  for (const [racerId, r] of Object.entries(all)) {
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

export interface RaceSummaryFacts {
  competitors: number;
  finishers: number;
  winnerRacerId: string;
  winnerName?: string;
  bestOutput: number;
}

/** The summary of a race from all its results (null when nobody rode). */
export function summarizeResults(
  results: ReadonlyArray<Pick<ResultItem, 'racerId' | 'output' | 'finished' | 'name'>>,
): RaceSummaryFacts | null {
  if (results.length === 0) return null;
  const ranked = rankEntries(results);
  const winner = ranked[0];
  if (winner === undefined) return null;
  const summary: RaceSummaryFacts = {
    competitors: results.length,
    finishers: results.filter((r) => r.finished).length,
    winnerRacerId: winner.racerId,
    bestOutput: winner.output,
  };
  if (winner.name !== undefined) summary.winnerName = winner.name;
  return summary;
}
