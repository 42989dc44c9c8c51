/**
 * A page of a write-sharded ranking (resolvers/lib/shardedRanking.ts), ranked,
 * with its tokens both ways: nextToken resumes after the page's last sort key,
 * previousToken reads the page that ends just before its first one
 * (resolvers/lib/cursor.ts). Both resolve ranks from the state a token
 * carries, never by counting from the top (core/ranking.ts rankPage and
 * rankPageBefore), so they cost what any page costs at any depth.
 */
import { util } from '@aws-appsync/utils';
import { rankPage, rankPageBefore, type RankState } from '../../core/ranking.js';
import { scoreUnits } from '../../core/keys.js';
import { encodePageToken, encodePreviousToken } from './pageToken.js';
import { mergedBefore, mergedPage, sortKeyOf, type ShardedStash } from './shardedRanking.js';

/** The page's items (index items as read), their ranks and both tokens. */
export interface RankedPage {
  items: Array<Record<string, unknown>>;
  ranks: number[];
  nextToken: string | null;
  previousToken: string | null;
}

/** The rank and place stored on an item (a race's results: the close ranks the whole race), or null. */
export type StoredPlace = (item: Record<string, unknown>) => { rank: number; position: number } | null;

/**
 * Ranks the page the stash read. `scoreOf` gives an item's score in kJ (the
 * one its sort key was placed by); `state` is where ranks start (a forward
 * page: the state before it; a page read upwards: the state of the item after it).
 * A page read upwards takes the ranks stored on its items when every item has
 * them (`stored`), and otherwise ranks back from the token.
 */
export function rankedPage(
  stash: ShardedStash,
  scope: string,
  state: RankState,
  scoreOf: (item: Record<string, unknown>) => number,
  stored: StoredPlace | null = null,
): RankedPage {
  if (stash.read.before !== null) {
    const read = mergedBefore(stash);
    const placed = stored === null ? null : storedPage(stash, scope, read, scoreOf, stored);
    return placed ?? rankedPageBefore(stash, scope, state, scoreOf, read);
  }
  const page = mergedPage(stash);
  const scores: number[] = [];
  for (const item of page.items) scores.push(scoreOf(item));
  const ranked = rankPage(scores, state);
  const first = page.items[0];
  const last = page.items[page.items.length - 1];
  const firstState: RankState | null =
    first === undefined
      ? null
      : { position: state.position + 1, rank: ranked.ranks[0] as number, units: scoreUnits(scores[0] as number) };
  return {
    items: page.items,
    ranks: ranked.ranks,
    nextToken: !page.more || last === undefined ? null : encodePageToken(scope, ranked.next, sortKeyOf(stash, last)),
    previousToken: first === undefined ? null : encodePreviousToken(scope, firstState, sortKeyOf(stash, first)),
  };
}

/** A page read upwards whose items carry their stored ranks and places; null when one does not. */
function storedPage(
  stash: ShardedStash,
  scope: string,
  read: Array<Record<string, unknown>>,
  scoreOf: (item: Record<string, unknown>) => number,
  stored: StoredPlace,
): RankedPage | null {
  const limit = stash.read.limit;
  const items = read.length > limit ? read.slice(read.length - limit) : read;
  const states: RankState[] = [];
  for (const item of items) {
    const place = stored(item);
    if (place === null) return null;
    states.push({ position: place.position, rank: place.rank, units: scoreUnits(scoreOf(item)) });
  }
  const ranks: number[] = [];
  for (const state of states) ranks.push(state.rank);
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    ranks,
    nextToken:
      last === undefined
        ? null
        : encodePageToken(scope, states[states.length - 1] as RankState, sortKeyOf(stash, last)),
    previousToken:
      first === undefined ? null : encodePreviousToken(scope, states[0] as RankState, sortKeyOf(stash, first)),
  };
}

function rankedPageBefore(
  stash: ShardedStash,
  scope: string,
  after: RankState,
  scoreOf: (item: Record<string, unknown>) => number,
  read: Array<Record<string, unknown>>,
): RankedPage {
  const scores: number[] = [];
  for (const item of read) scores.push(scoreOf(item));
  const ranked = rankPageBefore(scores, stash.read.limit, after);
  if (ranked === null || (ranked.first !== null && ranked.first.position < 1)) {
    util.error(
      'the page before ties more riders than a page holds, or the ranking changed too much since the token: page from the top instead',
      'ValidationError',
      null,
      { field: 'nextToken' },
    );
  }
  const page = ranked as NonNullable<typeof ranked>;
  const items = read.slice(page.dropped);
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items,
    ranks: page.ranks,
    nextToken: last === undefined ? null : encodePageToken(scope, page.last, sortKeyOf(stash, last)),
    previousToken:
      first === undefined || page.first === null
        ? null
        : encodePreviousToken(scope, page.first, sortKeyOf(stash, first)),
  };
}
