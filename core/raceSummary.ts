/**
 * The race summary item: a finished race's outcome (PK CLASS#<c>,
 * SK RACE#<raceId>). The finalizer writes it when it closes the race; the
 * race and races resolvers read it.
 */
import type { ITEM_RACE } from './keys.js';
import { rankEntries } from './ranking.js';

/** What a race summary says. */
export interface RaceSummary {
  competitors: number;
  finishers: number;
  winnerRacerId: string;
  winnerName?: string;
  bestOutput: number;
}

/** A race summary item as stored. */
export interface RaceSummaryItem extends RaceSummary {
  PK: string;
  SK: string;
  itemType: typeof ITEM_RACE;
  classId: number;
  raceId: number;
  /** ISO-8601 time of the first close. */
  closedAt: string;
}

/** A result as the summary counts it. */
export interface SummarizedResult {
  racerId: string;
  output: number;
  finished: boolean;
  name?: string;
  /** Fair-play flags (core/fairPlay.ts): a flagged rider does not win while a clean one rode. */
  flags?: readonly string[];
}

/**
 * The summary of a race from all its results; null when nobody rode. The
 * winner is the first by ranking among riders without fair-play flags (of
 * all riders when every one is flagged).
 */
export function summarizeResults(results: readonly SummarizedResult[]): RaceSummary | null {
  const clean: SummarizedResult[] = [];
  for (const r of results) {
    if (r.flags === undefined || r.flags.length === 0) clean.push(r);
  }
  const winner = rankEntries(clean.length > 0 ? clean : results)[0];
  if (winner === undefined) return null;
  let finishers = 0;
  for (const r of results) {
    if (r.finished) finishers = finishers + 1;
  }
  const summary: RaceSummary = {
    competitors: results.length,
    finishers,
    winnerRacerId: winner.racerId,
    bestOutput: winner.output,
  };
  if (winner.name !== undefined) summary.winnerName = winner.name;
  return summary;
}
