/**
 * Scatter-gather reads of a ranking kept in write-sharded index partitions
 * (core/keys.ts RESULT_SHARDS, ALLTIME_SHARDS; docs/scaling.md §4.2–4.3).
 * The resolver's request puts a ShardedRead in the stash; the pipeline
 * function queryRankShard runs once per shard, each reading up to `limit`
 * items of its partition from where the page starts; the resolver's response
 * merges them by sort key and keeps `limit`. Every partition sorts by the same
 * rankKey, so the merge is the ranking's own order, and the page that merges
 * the first `limit` keys of every shard holds the first `limit` keys overall.
 *
 * A first page is answered from the ranking's head when it has one (core/rankingHead.ts:
 * the pipeline function getRankingHead reads it, and the shard queries are then skipped).
 */
import { util } from '@aws-appsync/utils';
import type { DynamoDBQueryRequest } from '@aws-appsync/utils';
import { partitionQuery } from './query.js';

/** What the shard queries of one page read. */
export interface ShardedRead {
  /** Index name, its partition and sort key attributes. */
  readonly index: string;
  readonly pkName: string;
  readonly skName: string;
  /** The partition of every shard, shard 0 first. */
  readonly pks: readonly string[];
  /** The page starts after this sort key (exclusive) … */
  readonly after: string | null;
  /** … or from this one (inclusive: a page around a rider starts with the rider). */
  readonly from: string | null;
  /**
   * … or the page ends just before this one (exclusive: the page before a known
   * item): each shard is read upwards, `limit` + 1 items (the one more says
   * whether the page's top tie goes on above it, core/ranking.ts rankPageBefore).
   */
  readonly before: string | null;
  /** Read no further than this key (inclusive): a count that needs nothing after its start. */
  readonly upTo: string | null;
  /**
   * … or at this one, counting what comes before it: each shard is read from its
   * top (one Query of up to 1 MB), the items before this key are counted (the
   * rider's rank, in a ranking whose ranks are not stored) and the page starts
   * at it.
   */
  readonly counted: string | null;
  /** Only these attributes (null: all of them). */
  readonly projection: readonly string[] | null;
  readonly limit: number;
}

/** Where a ranking is kept: its index, and the partition of every write shard. */
export type ShardedIndex = Pick<ShardedRead, 'index' | 'pkName' | 'skName' | 'pks'>;

/** What the shards read before a counted start: how many items come before it, and how many of them score higher. */
export interface CountedAhead {
  before: number;
  higher: number;
  /** False when a shard's read ended before the start (its count is not known). */
  complete: boolean;
  /** With a counted start, the page is exact up to this sort key (a shard's read ended there); null: all of it. */
  bound: string | null;
}

/** Stash of the pipeline: the read, the next shard to query, the items found, whether a shard had more. */
export interface ShardedStash {
  read: ShardedRead;
  /** The ranking's scope, whose head (core/keys.ts rankingHeadKey) may answer this page; null: read the shards. */
  head: string | null;
  /** The page as the head answered it. */
  headPage: { items: Array<Record<string, unknown>>; more: boolean } | null;
  shard: number;
  /** Each shard's items as read (in sort-key order), shard by shard. */
  found: Array<Array<Record<string, unknown>>>;
  more: boolean;
  /** Only with a counted start (ShardedRead.counted). */
  ahead: CountedAhead | null;
}

/** The stash before the first shard is read: `head` may answer the page, `ahead` counts a counted start. */
export function shardedStash(read: ShardedRead, head: string | null, ahead: CountedAhead | null): ShardedStash {
  return { read, head, headPage: null, shard: 0, found: [], more: false, ahead };
}

/** The Query of the stash's next shard, or null once every shard was read. */
export function nextShardQuery(stash: ShardedStash): DynamoDBQueryRequest | null {
  const read = stash.read;
  if (stash.headPage !== null || stash.shard >= read.pks.length) return null;
  const pk = read.pks[stash.shard] as string;
  const query = partitionQuery({
    index: read.index,
    pkName: read.pkName,
    pk,
    skName: read.skName,
    ...(read.after !== null ? { skAfter: read.after } : {}),
    ...(read.after === null && read.from !== null ? { skFrom: read.from } : {}),
    ...(read.before !== null ? { skBefore: read.before } : {}),
    ...(read.upTo !== null ? { skUpTo: read.upTo } : {}),
    forward: read.before === null,
    // A counted start reads the shard from its top, as far as one Query goes.
    ...(read.counted === null ? { limit: read.before === null ? read.limit : read.limit + 1 } : {}),
  });
  if (read.projection !== null) {
    const names: Record<string, string> = {};
    const parts: string[] = [];
    let i = 0;
    for (const field of read.projection) {
      names[`#p${i}`] = field;
      parts.push(`#p${i}`);
      i = i + 1;
    }
    query.projection = { expression: parts.join(', '), expressionNames: names };
  }
  return query;
}

/** Keeps a shard's answer in the stash. */
export function keepShardItems(stash: ShardedStash, items: readonly unknown[], nextToken: unknown): void {
  const more = typeof nextToken === 'string' && nextToken.length > 0;
  const start = stash.read.counted;
  if (start === null || stash.ahead === null) {
    stash.found.push(items as Array<Record<string, unknown>>);
    if (more) stash.more = true;
    stash.shard = stash.shard + 1;
    return;
  }
  // Keys sort by score first (a fixed-width prefix up to '#'): a key below the start's
  // score prefix scores higher; below the start itself, it comes before.
  const scorePrefix = `${start.split('#')[0] as string}#`;
  const sk = stash.read.skName;
  const kept: Array<Record<string, unknown>> = [];
  let last = '';
  for (const item of items as Array<Record<string, unknown>>) {
    const key = `${item[sk] as string}`;
    last = key;
    if (key < start) {
      stash.ahead.before = stash.ahead.before + 1;
      if (key < scorePrefix) stash.ahead.higher = stash.ahead.higher + 1;
    } else if (kept.length < stash.read.limit) {
      kept.push(item);
    } else {
      stash.more = true;
    }
  }
  if (more) {
    stash.more = true;
    if (last < start) stash.ahead.complete = false;
    // This shard's items past `last` were not read: the merged page is exact only up to it.
    if (kept.length < stash.read.limit && (stash.ahead.bound === null || last < stash.ahead.bound)) {
      stash.ahead.bound = last;
    }
  }
  stash.found.push(kept);
  stash.shard = stash.shard + 1;
}

/**
 * The merged page: the first `limit` items by sort key, and whether any item
 * follows them. A k-way merge of the shards' sorted lists (APPSYNC_JS passes
 * no comparator to sort).
 */
export function mergedPage(stash: ShardedStash): { items: Array<Record<string, unknown>>; more: boolean } {
  if (stash.headPage !== null) return stash.headPage;
  const heads: number[] = [];
  let total = 0;
  for (const list of stash.found) {
    heads.push(0);
    total = total + list.length;
  }
  const bound = stash.ahead === null ? null : stash.ahead.bound;
  const items: Array<Record<string, unknown>> = [];
  let cut = false;
  for (const list of stash.found) {
    for (const _ of list) {
      if (items.length >= stash.read.limit || cut) break;
      const next = nextOfShards(stash, heads, false);
      if (bound !== null && next.key > bound) {
        cut = true;
      } else {
        items.push(takeHead(stash, heads, next.shard));
      }
    }
  }
  return { items, more: stash.more || cut || total > stash.read.limit };
}

/**
 * The items before `read.before`, closest last, in ranking order: the
 * `limit` + 1 greatest keys below it over every shard (each shard's list is
 * read upwards, closest first), top first.
 */
export function mergedBefore(stash: ShardedStash): Array<Record<string, unknown>> {
  const heads: number[] = [];
  for (const _ of stash.found) heads.push(0);
  const upwards: Array<Record<string, unknown>> = [];
  for (const list of stash.found) {
    for (const _ of list) {
      if (upwards.length > stash.read.limit) break;
      upwards.push(takeHead(stash, heads, nextOfShards(stash, heads, true).shard));
    }
  }
  return upwards.reverse();
}

/**
 * One step of the k-way merge: the shard whose next item (at `heads`) has the
 * least sort key (`greatest`: the greatest), and that key; shard -1 once every
 * shard's list is used up.
 */
function nextOfShards(
  stash: ShardedStash,
  heads: readonly number[],
  greatest: boolean,
): { shard: number; key: string } {
  const sk = stash.read.skName;
  let best = -1;
  let bestKey = '';
  let shard = 0;
  for (const candidates of stash.found) {
    const head = heads[shard] as number;
    if (head < candidates.length) {
      const key = `${(candidates[head] as Record<string, unknown>)[sk] as string}`;
      if (best < 0 || (greatest ? key > bestKey : key < bestKey)) {
        best = shard;
        bestKey = key;
      }
    }
    shard = shard + 1;
  }
  return { shard: best, key: bestKey };
}

/** The next item of `shard`'s list, moving its head past it. */
function takeHead(stash: ShardedStash, heads: number[], shard: number): Record<string, unknown> {
  const list = stash.found[shard] as Array<Record<string, unknown>>;
  const item = list[heads[shard] as number] as Record<string, unknown>;
  heads[shard] = (heads[shard] as number) + 1;
  return item;
}

/** The sort key of an item of the page (where the next page resumes). */
export function sortKeyOf(stash: ShardedStash, item: Record<string, unknown>): string {
  const value = item[stash.read.skName];
  if (typeof value !== 'string') util.error('ranking item without its sort key', 'InternalFailure');
  return value as string;
}
