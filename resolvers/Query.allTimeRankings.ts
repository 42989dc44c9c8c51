/**
 * Query.allTimeRankings (table): a class's all-time ranking. Every AllTime
 * item (PK RACER#id, SK CLASS#c) is indexed twice: GSI1 under ALLTIME#c#BEST
 * by personal best and GSI2 under ALLTIME#c#TOTAL by total output, both with
 * rankKey sort keys, so an ascending Query is the ranking. Ranks continue
 * across pages through the page token, which is bound to the order chosen.
 */
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { allTimeBestPk, allTimeTotalPk, GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK } from '../core/keys.js';
import type { AllTimeEntry, AllTimePage, QueryAllTimeRankingsArgs } from '../core/generated/schema.js';
import { allTimeStatsOf, type AllTimeItem } from '../core/allTimeItem.js';
import { raiseDataSourceError } from './lib/dataSource.js';
import { decodePageToken, encodePageToken } from './lib/pageToken.js';
import { partitionQuery } from './lib/query.js';
import { FIRST_PAGE, rankPage, type RankState } from '../core/ranking.js';
import { pageLimit, requireClassId } from './lib/validation.js';

/** Page size bounds (schema: 1..1000, default 100). */
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

export function request(ctx: Context<QueryAllTimeRankingsArgs>): DynamoDBQueryRequest {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const limit = pageLimit(ctx.args.limit, 'limit', MAX_LIMIT, DEFAULT_LIMIT);
  const byTotal = ctx.args.by === 'TOTAL_OUTPUT';
  const scope = byTotal ? allTimeTotalPk(classId) : allTimeBestPk(classId);
  const cursor = decodePageToken(ctx.args.nextToken, scope);
  ctx.stash.scope = scope;
  ctx.stash.byTotal = byTotal;
  ctx.stash.state = cursor === null ? FIRST_PAGE : cursor.state;
  return partitionQuery({
    index: byTotal ? GSI2 : GSI1,
    pkName: byTotal ? GSI2PK : GSI1PK,
    pk: scope,
    skName: byTotal ? GSI2SK : GSI1SK,
    forward: true,
    limit,
    nextToken: cursor === null ? null : cursor.ddbToken,
  });
}

export function response(ctx: Context<QueryAllTimeRankingsArgs>): AllTimePage {
  raiseDataSourceError(ctx);
  const found = (ctx.result.items ?? []) as AllTimeItem[];
  const byTotal = ctx.stash.byTotal === true;
  const scores: number[] = [];
  for (const item of found) scores.push(byTotal ? item.totalOutput : item.bestOutput);
  const ranked = rankPage(scores, ctx.stash.state as RankState);
  const items: AllTimeEntry[] = [];
  let i = 0;
  for (const item of found) {
    items.push({
      rank: ranked.ranks[i] as number,
      racerId: item.racerId,
      name: item.name ?? null,
      ...allTimeStatsOf(item),
    });
    i = i + 1;
  }
  const nextToken =
    items.length === 0 ? null : encodePageToken(ctx.stash.scope as string, ranked.next, ctx.result.nextToken);
  return { items, nextToken };
}
