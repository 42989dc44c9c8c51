/**
 * Ranking of the contract: output descending, equal outputs share a rank
 * (1, 2, 2, 4), ties ordered by racerId ascending. Ranks are 1-based.
 * Outputs compare at the stored precision (milli-kJ), as the index keys do.
 */
import { rankKey, scoreUnits } from './keys.js';

export interface Scored {
  racerId: string;
  output: number;
}

/** Sorts and ranks; returns new objects with `rank` added. Pure. */
export function rankEntries<T extends Scored>(entries: readonly T[]): Array<T & { rank: number }> {
  const keyed = entries.map((e) => ({ key: rankKey(e.output, e.racerId), e }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const out: Array<T & { rank: number }> = [];
  let prevUnits = Number.NaN;
  let prevRank = 0;
  keyed.forEach((k, i) => {
    const units = scoreUnits(k.e.output);
    const rank = units === prevUnits ? prevRank : i + 1;
    prevUnits = units;
    prevRank = rank;
    out.push({ ...k.e, rank });
  });
  return out;
}
