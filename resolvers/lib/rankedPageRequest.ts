/**
 * The request side of a page of a write-sharded ranking read by rank
 * (Query.raceResults, Query.allTimeRankings): checks the page's arguments and
 * puts in the stash where the page starts and the rank state it starts from.
 * A first page may be answered by the ranking's head; a token resumes after
 * its sort key (or, a previousToken, ends just before it, read upwards); with
 * `around`, a pipeline function finds the rider's item, which the page then
 * starts at.
 */
import type { Context } from '@aws-appsync/utils';
import { FIRST_PAGE } from '../../core/ranking.js';
import { isRacerId } from '../../core/telemetry.js';
import { decodePageToken } from './pageToken.js';
import { shardedStash, type ShardedIndex } from './shardedRanking.js';
import { invalid, pageLimit } from './validation.js';

/** Page size bounds (schema: 1..1000, default 100). */
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

/** The arguments every ranked page takes. */
export interface RankedPageArgs {
  limit?: number | null;
  around?: string | null;
  nextToken?: string | null;
}

/**
 * Checks `limit`, `around` and `nextToken` of a page of the ranking `scope`
 * kept in `shards`, and stashes `sharded`, `scope`, `around` and `state`.
 * `aroundProjection` is what the shards read of each item for a page around a
 * rider (null: every attribute).
 */
export function rankedPageRequest(
  ctx: Context<RankedPageArgs>,
  scope: string,
  shards: ShardedIndex,
  aroundProjection: readonly string[] | null,
): void {
  const limit = pageLimit(ctx.args.limit, 'limit', MAX_LIMIT, DEFAULT_LIMIT);
  const around = ctx.args.around ?? null;
  if (around !== null && !isRacerId(around)) invalid('around', 'must match ^[A-Za-z0-9_-]{1,64}$');
  if (around !== null && ctx.args.nextToken !== undefined && ctx.args.nextToken !== null) {
    invalid('around', 'cannot be combined with nextToken (the token already says where the page starts)');
  }
  const cursor = decodePageToken(ctx.args.nextToken, scope, true);
  const upwards = cursor !== null && cursor.before === true;
  ctx.stash.sharded = shardedStash(
    {
      ...shards,
      after: cursor === null || upwards ? null : cursor.resume,
      from: null,
      before: cursor !== null && upwards ? cursor.resume : null,
      upTo: null,
      counted: null,
      projection: around === null ? null : aroundProjection,
      limit,
    },
    cursor === null && around === null ? scope : null,
    null,
  );
  ctx.stash.scope = scope;
  ctx.stash.around = around;
  ctx.stash.state = cursor === null ? FIRST_PAGE : cursor.state;
}
