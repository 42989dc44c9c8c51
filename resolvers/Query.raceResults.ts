/**
 * Query.raceResults (table): results of one race by rank. GSI1 holds each
 * result under the race's partition with a rankKey sort key (output
 * descending, racerId ascending when read ascending), so DynamoDB returns the
 * contract's order; ranks (ties share, 1,2,2,4) continue across pages through
 * the page token (resolvers/lib/cursor.ts, core/ranking.ts).
 */
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import { GSI1, GSI1PK, GSI1SK, racePk } from '../core/keys.js';
import type { QueryRaceResultsArgs, RaceResult, RaceResultPage } from '../core/generated/schema.js';
import type { ResultItem } from '../core/resultItem.js';
import { flagMask, flagNames } from '../core/fairPlay.js';
import { raiseDataSourceError } from './lib/dataSource.js';
import { decodePageToken, encodePageToken } from './lib/pageToken.js';
import { partitionQuery } from './lib/query.js';
import { FIRST_PAGE, rankPage, type RankState } from '../core/ranking.js';
import { pageLimit, requireClassId, requireRaceId } from './lib/validation.js';

/** Page size bounds (schema: 1..1000, default 100). */
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

export function request(ctx: Context<QueryRaceResultsArgs>): DynamoDBQueryRequest {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const raceId = requireRaceId(ctx.args.raceId, 'raceId');
  const limit = pageLimit(ctx.args.limit, 'limit', MAX_LIMIT, DEFAULT_LIMIT);
  const scope = racePk(classId, raceId);
  const cursor = decodePageToken(ctx.args.nextToken, scope);
  ctx.stash.scope = scope;
  ctx.stash.state = cursor === null ? FIRST_PAGE : cursor.state;
  return partitionQuery({
    index: GSI1,
    pkName: GSI1PK,
    pk: scope,
    skName: GSI1SK,
    forward: true,
    limit,
    nextToken: cursor === null ? null : cursor.ddbToken,
  });
}

export function response(ctx: Context<QueryRaceResultsArgs>): RaceResultPage {
  raiseDataSourceError(ctx);
  const found = (ctx.result.items ?? []) as ResultItem[];
  const outputs: number[] = [];
  for (const item of found) outputs.push(item.output);
  const ranked = rankPage(outputs, ctx.stash.state as RankState);
  const items: RaceResult[] = [];
  let i = 0;
  for (const item of found) {
    items.push({
      rank: ranked.ranks[i] as number,
      racerId: item.racerId,
      name: item.name ?? null,
      output: item.output,
      classId: item.classId,
      raceId: item.raceId,
      finished: item.finished === true,
      lastSecond: item.lastSecond ?? 0,
      flags: flagNames(flagMask(item.flags)),
    });
    i = i + 1;
  }
  const nextToken =
    items.length === 0 ? null : encodePageToken(ctx.stash.scope as string, ranked.next, ctx.result.nextToken);
  return { items, nextToken };
}
