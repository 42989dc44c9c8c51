/**
 * Pipeline function of Query.raceResults (Query.allTimeRankings reads its head
 * in findAllTimeStart): reads the race's head (core/rankingHead.ts) when the
 * page is a first page, and answers the page from it when it holds the whole
 * page; the shard queries are then skipped. Without a head (a race closed
 * before heads were written) the shards are read as usual.
 */
import { runtime, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { rankingHeadKey } from '../../core/keys.js';
import { decodeHeadEntries, headPage } from '../../core/rankingHead.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import type { ShardedStash } from '../lib/shardedRanking.js';

export function request(ctx: Context): DynamoDBGetItemRequest {
  const stash = ctx.stash.sharded as ShardedStash;
  if (stash.head === null) runtime.earlyReturn(null);
  const key = rankingHeadKey(stash.head as string);
  return { operation: 'GetItem', key: { PK: { S: key.PK }, SK: { S: key.SK } } };
}

export function response(ctx: Context): null {
  raiseDataSourceError(ctx);
  const item = ctx.result as { entries?: unknown; more?: unknown } | null;
  if (item === null || item === undefined) return null;
  const stash = ctx.stash.sharded as ShardedStash;
  stash.headPage = headPage(decodeHeadEntries(item.entries), item.more === true, stash.read.limit);
  ctx.stash.sharded = stash;
  return null;
}
