/**
 * The aggregator's ranking of a live board: the order and ranks of
 * core/ranking.ts rankEntries (and of core/livePart.ts rankRiders), reached
 * by sorting rider indices with a comparator instead of rankKey strings.
 * core/ranking.ts builds and sorts one string per rider because APPSYNC_JS's
 * sort takes no comparator; the closer of a 50,000-rider class ranks on the
 * way to every subscriber's band, so it sorts numbers.
 *
 * The order is rankKey's, compared piece by piece: a rankKey is the inverted
 * score in milli-kJ, zero-padded (core/keys.ts pad), then `#` and the
 * racerId. For a score from 0 to 10^SCORE_WIDTH - 1 milli-kJ the padded
 * number has SCORE_WIDTH digits, so comparing the strings compares the
 * scores (descending); past that range (negative, huge or not a number) the
 * score's part of the key is compared as the string it is. After the score,
 * racerIds compare by UTF-16 code units, as strings do; riders with the same
 * key keep their input order, as rankEntries keeps them.
 */
import { rankKey, racerIdOfRiderMapKey, SCORE_WIDTH, scoreUnits } from '../../core/keys.js';
import { flagNames } from '../../core/fairPlay.js';
import type { LiveEntry, LiveRider, LiveRiders } from '../../core/livePart.js';
import { isNewerRider, liveRider } from '../../core/livePart.js';
import { FIRST_PAGE, rankPage } from '../../core/ranking.js';

/** Scores (milli-kJ) whose rankKey part has exactly SCORE_WIDTH digits: compared as numbers. */
const KEYED_SCORES = 10 ** SCORE_WIDTH;

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A ranking: indices of the input in ranking order, and the rank at each place. */
export interface RankingOrder {
  readonly order: Int32Array;
  readonly ranks: number[];
}

/** Ranks riders given as parallel arrays of outputs (kJ) and racerIds (the rule of core/ranking.ts). */
export function rankingOrder(outputs: readonly number[], racerIds: readonly string[]): RankingOrder {
  const n = outputs.length;
  const units = new Float64Array(n);
  let numeric = true;
  for (let i = 0; i < n; i += 1) {
    const u = scoreUnits(outputs[i] as number);
    units[i] = u;
    if (!(Number.isSafeInteger(u) && u >= 0 && u < KEYED_SCORES)) numeric = false;
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  // The index decides last, so the order is total and the sort's stability does not matter.
  if (numeric) {
    order.sort(
      (a, b) =>
        (units[b] as number) - (units[a] as number) ||
        compareIds(racerIds[a] as string, racerIds[b] as string) ||
        a - b,
    );
  } else {
    // The score's part of each key, with its `#`: a part that is a prefix of another sorts first, as in the keys.
    const scoreKeys = outputs.map((o) => rankKey(o, ''));
    order.sort(
      (a, b) =>
        compareIds(scoreKeys[a] as string, scoreKeys[b] as string) ||
        compareIds(racerIds[a] as string, racerIds[b] as string) ||
        a - b,
    );
  }
  const sorted: number[] = new Array<number>(n);
  for (let p = 0; p < n; p += 1) sorted[p] = outputs[order[p] as number] as number;
  return { order, ranks: rankPage(sorted, FIRST_PAGE).ranks };
}

/**
 * Every part's riders merged by core/livePart.ts mergeAllRiders' rule into a
 * Map: the same riders, fields and flags, without a record allocated per
 * rider where one part alone holds the rider (a rider is read, never
 * written). The key `__proto__` is dropped, as assigning it to a plain
 * object (which mergeAllRiders builds) sets its prototype and keeps no rider.
 */
function mergedRiders(parts: readonly LiveRiders[]): Map<string, LiveRider> {
  const all = new Map<string, LiveRider>();
  for (const part of parts) {
    for (const key of Object.keys(part)) {
      if (key === '__proto__') continue;
      const inc = part[key] as LiveRider;
      const old = all.get(key);
      if (old === undefined) {
        all.set(key, inc);
        continue;
      }
      const oldFlags = (old.flags ?? 0) | 0;
      // Flags are sticky: once broken, a rule stays broken whichever record wins.
      const flags = oldFlags | (inc.flags ?? 0);
      if (isNewerRider(inc, old)) all.set(key, liveRider(inc.second, inc.output, inc.name ?? old.name, flags));
      else if ((old.name === undefined && inc.name !== undefined) || flags !== oldFlags)
        all.set(key, liveRider(old.second, old.output, old.name ?? inc.name, flags));
    }
  }
  return all;
}

/** rankRiders (core/livePart.ts) by comparator: every shard's part merged and ranked, the same entries. */
export function rankBoard(parts: readonly LiveRiders[]): LiveEntry[] {
  const all = mergedRiders(parts);
  const n = all.size;
  const riders: LiveRider[] = new Array<LiveRider>(n);
  const outputs: number[] = new Array<number>(n);
  const racerIds: string[] = new Array<string>(n);
  let i = 0;
  for (const [key, r] of all) {
    riders[i] = r;
    outputs[i] = r.output;
    racerIds[i] = racerIdOfRiderMapKey(key);
    i += 1;
  }
  const { order, ranks } = rankingOrder(outputs, racerIds);
  const entries: LiveEntry[] = new Array<LiveEntry>(n);
  for (let p = 0; p < n; p += 1) {
    const at = order[p] as number;
    const r = riders[at] as LiveRider;
    entries[p] = {
      rank: ranks[p] as number,
      racerId: racerIds[at] as string,
      name: r.name ?? null,
      output: r.output,
      second: r.second,
      // A merged record holds its mask as an int32 (the merge ORs it); a part's own record is read the same way.
      flags: flagNames((r.flags ?? 0) | 0),
    };
  }
  return entries;
}
