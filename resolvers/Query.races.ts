/**
 * Query.races (table): finished races of a class, newest first. The
 * finalizer writes one summary item per complete race under PK CLASS#c with
 * SK RACE#<zero-padded raceId>, so a descending Query is newest first.
 */
import { util, type Context, type DynamoDBQueryRequest } from '@aws-appsync/utils';
import { classPk, PK, RACE_SK_PREFIX, SK } from '../core/keys.js';
import type { QueryRacesArgs, Race, RacePage } from '../core/generated/schema.js';
import { raiseDataSourceError } from './lib/dataSource.js';
import { decodePageToken, encodePageToken } from './lib/pageToken.js';
import { partitionQuery } from './lib/query.js';
import { FIRST_PAGE, type RankState } from '../core/ranking.js';
import type { RaceSummaryItem } from '../core/raceSummary.js';
import { raceView } from './lib/raceView.js';
import { pageLimit, raceSecondsOf, requireClassId } from './lib/validation.js';

/** Page size bounds (schema: 1..100, default 20). */
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 20;

export function request(ctx: Context<QueryRacesArgs>): DynamoDBQueryRequest {
  const classId = requireClassId(ctx.args.classId, 'classId');
  const limit = pageLimit(ctx.args.limit, 'limit', MAX_LIMIT, DEFAULT_LIMIT);
  const cursor = decodePageToken(ctx.args.nextToken, classPk(classId));
  ctx.stash.state = cursor === null ? FIRST_PAGE : cursor.state;
  return partitionQuery({
    pkName: PK,
    pk: classPk(classId),
    skName: SK,
    skPrefix: RACE_SK_PREFIX,
    forward: false,
    limit,
    nextToken: cursor === null ? null : cursor.resume,
  });
}

export function response(ctx: Context<QueryRacesArgs>): RacePage {
  raiseDataSourceError(ctx);
  const classId = ctx.args.classId;
  const raceSeconds = raceSecondsOf(ctx.env);
  const now = util.time.nowEpochMilliSeconds();
  const items: Race[] = [];
  for (const item of (ctx.result.items ?? []) as RaceSummaryItem[]) {
    items.push(raceView(classId, item.raceId, raceSeconds, now, item));
  }
  // Races carry no rank; the cursor's position still counts the items seen.
  const before = ctx.stash.state as RankState;
  const position = before.position + items.length;
  const state: RankState = { position, rank: position, units: 0 };
  return {
    items,
    nextToken: items.length === 0 ? null : encodePageToken(classPk(classId), state, ctx.result.nextToken),
  };
}
