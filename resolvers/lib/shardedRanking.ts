/**
 * Scatter-gather reads of a ranking kept in write-sharded index partitions
 * (core/keys.ts RESULT_SHARDS, ALLTIME_SHARDS; docs/scaling.md §4.2–4.3).
 * The resolver's request puts a ShardedRead in the stash; the pipeline
 * function queryRankShard runs once per shard, each reading up to `limit`
 * items of its partition from where the page starts; the resolver's response
 * merges them by sort key and keeps `limit`. Every partition sorts by the same
 * rankKey, so the merge is the ranking's own order, and the page that merges
 * the first `limit` keys of every shard holds the first `limit` keys overall.
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
  readonly limit: number;
}

/** Stash of the pipeline: the read, the next shard to query, the items found, whether a shard had more. */
export interface ShardedStash {
  read: ShardedRead;
  shard: number;
  /** Each shard's items as read (in sort-key order), shard by shard. */
  found: Array<Array<Record<string, unknown>>>;
  more: boolean;
}

/** The Query of the stash's next shard, or null once every shard was read. */
export function nextShardQuery(stash: ShardedStash): DynamoDBQueryRequest | null {
  const read = stash.read;
  if (stash.shard >= read.pks.length) return null;
  const pk = read.pks[stash.shard] as string;
  return partitionQuery({
    index: read.index,
    pkName: read.pkName,
    pk,
    skName: read.skName,
    ...(read.after !== null ? { skAfter: read.after } : {}),
    ...(read.after === null && read.from !== null ? { skFrom: read.from } : {}),
    forward: true,
    limit: read.limit,
  });
}

/** Keeps a shard's answer in the stash. */
export function keepShardItems(stash: ShardedStash, items: readonly unknown[], nextToken: unknown): void {
  stash.found.push(items as Array<Record<string, unknown>>);
  if (typeof nextToken === 'string' && nextToken.length > 0) stash.more = true;
  stash.shard = stash.shard + 1;
}

/**
 * The merged page: the first `limit` items by sort key, and whether any item
 * follows them. A k-way merge of the shards' sorted lists (APPSYNC_JS passes
 * no comparator to sort).
 */
export function mergedPage(stash: ShardedStash): { items: Array<Record<string, unknown>>; more: boolean } {
  const sk = stash.read.skName;
  const heads: number[] = [];
  let total = 0;
  for (const list of stash.found) {
    heads.push(0);
    total = total + list.length;
  }
  const items: Array<Record<string, unknown>> = [];
  for (const list of stash.found) {
    for (const _ of list) {
      if (items.length >= stash.read.limit) break;
      let best = -1;
      let bestKey = '';
      let shard = 0;
      for (const candidates of stash.found) {
        const head = heads[shard] as number;
        if (head < candidates.length) {
          const key = `${(candidates[head] as Record<string, unknown>)[sk] as string}`;
          if (best < 0 || key < bestKey) {
            best = shard;
            bestKey = key;
          }
        }
        shard = shard + 1;
      }
      const chosen = stash.found[best] as Array<Record<string, unknown>>;
      items.push(chosen[heads[best] as number] as Record<string, unknown>);
      heads[best] = (heads[best] as number) + 1;
    }
  }
  return { items, more: stash.more || total > stash.read.limit };
}

/** The sort key of an item of the page (where the next page resumes). */
export function sortKeyOf(stash: ShardedStash, item: Record<string, unknown>): string {
  const value = item[stash.read.skName];
  if (typeof value !== 'string') util.error('ranking item without its sort key', 'InternalFailure');
  return value as string;
}
