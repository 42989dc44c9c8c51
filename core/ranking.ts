/**
 * The ranking rule: output descending, then racerId ascending; outputs equal
 * at milli-kJ precision (the precision of the index keys, core/keys.ts
 * scoreUnits) share a rank, and the next rank skips the places they fill
 * (1, 2, 2, 4). Ranks are 1-based.
 *
 * Ranks can be given a page at a time: a page starts from the state the
 * previous page ended in, so a tie that spans two pages keeps its rank.
 * APPSYNC_JS-safe (resolvers rank pages with it): loops, no callbacks, and
 * sorting by rankKey strings, because APPSYNC_JS's sort takes no comparator.
 */
import { rankKey, scoreUnits } from './keys.js';

/** Where the previous page ended. */
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

/** Ranks of one page and the state after it. */
export interface RankedPage {
  readonly ranks: number[];
  readonly next: RankState;
}

/** Ranks a page of outputs in kJ, already in ranking order, continuing from `state`. */
export function rankPage(outputs: readonly number[], state: RankState): RankedPage {
  const ranks: number[] = [];
  let position = state.position;
  let rank = state.rank;
  let units = state.units;
  for (const output of outputs) {
    position = position + 1;
    const u = scoreUnits(output);
    if (u !== units || rank === 0) rank = position;
    units = u;
    ranks.push(rank);
  }
  return { ranks, next: { position, rank, units } };
}

/** Anything ranked: a rider and an output in kJ. */
export interface Scored {
  readonly racerId: string;
  readonly output: number;
}

/**
 * Puts entries in ranking order and ranks them; returns new objects with
 * `rank` added. Entries with the same racerId and score keep their order.
 */
export function rankEntries<T extends Scored>(entries: readonly T[]): Array<T & { rank: number }> {
  // rankKey strings start with digits, so they never name an Object.prototype member.
  const byKey: Record<string, T[]> = {};
  const keys: string[] = [];
  for (const entry of entries) {
    const key = rankKey(entry.output, entry.racerId);
    const same = byKey[key];
    if (same === undefined) {
      byKey[key] = [entry];
      keys.push(key);
    } else {
      same.push(entry);
    }
  }
  keys.sort();
  const ordered: T[] = [];
  const outputs: number[] = [];
  for (const key of keys) {
    for (const entry of byKey[key] as T[]) {
      ordered.push(entry);
      outputs.push(entry.output);
    }
  }
  const ranks = rankPage(outputs, FIRST_PAGE).ranks;
  const ranked: Array<T & { rank: number }> = [];
  let i = 0;
  for (const entry of ordered) {
    ranked.push({ ...entry, rank: ranks[i] as number });
    i = i + 1;
  }
  return ranked;
}
