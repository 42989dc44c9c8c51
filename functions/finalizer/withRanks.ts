/** Ranks stored with a race's results at its close. */
import type { ResultItem } from '../../core/resultItem.js';
import { FIRST_PAGE, rankPage } from '../../core/ranking.js';

/**
 * `results` (a race's whole set of results) in the ranking order — output
 * descending, racerId ascending (core/keys.ts rankKey, their GSI1SK) — each
 * with its `rank` (ties share) and `position` (1-based).
 */
export function withRanks(results: readonly ResultItem[]): ResultItem[] {
  const sorted = [...results].sort((a, b) => (a.GSI1SK < b.GSI1SK ? -1 : a.GSI1SK > b.GSI1SK ? 1 : 0));
  const ranked = rankPage(
    sorted.map((r) => r.output),
    FIRST_PAGE,
  );
  return sorted.map((r, i) => ({ ...r, rank: ranked.ranks[i] as number, position: i + 1 }));
}
