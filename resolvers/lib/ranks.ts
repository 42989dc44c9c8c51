/**
 * Ranks of the contract (§2), computed one page at a time: 1-based, equal
 * outputs share a rank (1, 2, 2, 4), consistent across pages. The page token
 * carries the position, rank and score of the previous page's last item, so a
 * page that starts inside a tie continues it.
 *
 * Pure and APPSYNC_JS-safe (loops, no callbacks).
 */
import { scoreUnits } from '../../core/keys.js';

/** Where the previous page ended (all zero before the first page). */
export interface RankState {
  /** Number of items before this page. */
  readonly position: number;
  /** Rank of the previous page's last item (0 before the first page). */
  readonly rank: number;
  /** Score of the previous page's last item in milli-kJ (-1 before the first page). */
  readonly units: number;
}

/** The state before the first page. */
export const FIRST_PAGE: RankState = { position: 0, rank: 0, units: -1 };

/** Ranks of one page of scores (already in ranking order) and the state after it. */
export interface RankedPage {
  readonly ranks: number[];
  readonly next: RankState;
}

/**
 * Ranks a page of outputs in kJ. Outputs compare at milli-kJ precision, the
 * precision of the index keys (core/keys.ts scoreUnits), so two results the
 * index orders as equal always share a rank.
 */
export function rankPage(outputs: readonly number[], state: RankState): RankedPage {
  const ranks: number[] = [];
  let position = state.position;
  let rank = state.rank;
  let units = state.units;
  for (const output of outputs) {
    position = position + 1;
    const u = scoreUnits(output);
    if (u !== units) rank = position;
    units = u;
    ranks.push(rank);
  }
  return { ranks, next: { position, rank, units } };
}
