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

/** Ranks of a page read upwards (the page before a known item), and the state of its first item. */
export interface RankedPageBefore {
  /** How many of the items read, from the top, are not on the page (the one above it, and a tie going on above). */
  readonly dropped: number;
  /** Ranks of the items kept, in ranking order. */
  readonly ranks: number[];
  /** The state of the kept page's first item (what a page before it continues from); null: the page starts the ranking. */
  readonly first: RankState | null;
  /** The state of the kept page's last item (what the page after it continues from). */
  readonly last: RankState;
}

/**
 * Ranks the page that ends just before a known item (`after`: its position,
 * rank and score), from the outputs read upwards from it, in ranking order
 * (top first). `limit` items make the page; one more read above them (when
 * the ranking has it) says whether the page's top tie goes on above it.
 *
 * Why this is exact without counting from the top: a rider tied with the item
 * after the page shares its rank; any other tie whose first rider is on the
 * page ranks at that rider's position (counted back from `after`). A tie that
 * goes on above the page is left off it (its rank is not known from here);
 * the page before starts at it. Null when that tie fills the whole page.
 * Read fewer than `limit` + 1 items and the page is the top of the ranking:
 * ranked from the first place, as a first page.
 */
export function rankPageBefore(outputs: readonly number[], limit: number, after: RankState): RankedPageBefore | null {
  const n = outputs.length;
  if (n <= limit) {
    const ranked = rankPage(outputs, FIRST_PAGE);
    const firstUnits = n > 0 ? scoreUnits(outputs[0] as number) : after.units;
    return {
      dropped: 0,
      ranks: ranked.ranks,
      first: null,
      last: n > 0 ? ranked.next : { position: 0, rank: 0, units: firstUnits },
    };
  }
  const above = scoreUnits(outputs[n - limit - 1] as number);
  let start = n - limit;
  // A tie with the rider above the page is ranked only if it is the after item's tie.
  if (above !== after.units) {
    let tied = true;
    for (const output of outputs.slice(n - limit)) {
      if (tied && scoreUnits(output) === above) start = start + 1;
      else tied = false;
    }
  }
  if (start >= n) return null;
  const kept = n - start;
  const ranks: number[] = [];
  let position = after.position - kept;
  let units = -1;
  let rank = 0;
  for (const output of outputs.slice(start)) {
    const u = scoreUnits(output);
    if (u !== units) rank = u === after.units ? after.rank : position;
    units = u;
    ranks.push(rank);
    position = position + 1;
  }
  const firstUnits = scoreUnits(outputs[start] as number);
  return {
    dropped: start,
    ranks,
    first: { position: after.position - kept, rank: ranks[0] as number, units: firstUnits },
    last: { position: after.position - 1, rank: ranks[kept - 1] as number, units },
  };
}
