/**
 * Pipeline function of Query.raceResults with `around`: reads the rider's
 * result (its key follows from the racerId, core/keys.ts resultKey) so the
 * page starts with the rider, ranked from the rank and place the close stored
 * on it. Skipped (no data-source call) without `around`.
 */
import { runtime, util, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { resultKey, scoreUnits } from '../../core/keys.js';
import type { ResultItem } from '../../core/resultItem.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import type { ShardedStash } from '../lib/shardedRanking.js';

export function request(ctx: Context): DynamoDBGetItemRequest {
  const around = ctx.stash.around as string | null;
  if (around === null) runtime.earlyReturn(null);
  const key = resultKey(ctx.stash.classId as number, ctx.stash.raceId as number, around as string);
  return { operation: 'GetItem', key: { PK: { S: key.PK }, SK: { S: key.SK } } };
}

export function response(ctx: Context): null {
  raiseDataSourceError(ctx);
  const item = ctx.result as ResultItem | null;
  if (item === null || item === undefined) {
    util.error(`rider ${ctx.stash.around as string} has no result in this race`, 'ValidationError', null, {
      field: 'around',
    });
  }
  const found = item as ResultItem;
  if (typeof found.rank !== 'number' || typeof found.position !== 'number') {
    util.error('this race was closed before ranks were stored: page from the top instead', 'ValidationError', null, {
      field: 'around',
    });
  }
  const stash = ctx.stash.sharded as ShardedStash;
  stash.read = { ...stash.read, from: found.GSI1SK };
  ctx.stash.sharded = stash;
  ctx.stash.state = {
    position: (found.position as number) - 1,
    rank: found.rank as number,
    units: scoreUnits(found.output),
  };
  return null;
}
