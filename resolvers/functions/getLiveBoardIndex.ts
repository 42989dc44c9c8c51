/**
 * Pipeline function of Query.liveRider: the rider's position on the board
 * (one GetItem of the index slice that holds the racerId), and the bands
 * around it to read next. Skipped (earlyReturn) when there is no board.
 */
import { runtime, util, type Context, type DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { bandsAround, indexKeyOf, positionIn } from '../../core/liveBoardItems.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { boardOf } from '../lib/liveBoardReads.js';

export function request(ctx: Context): DynamoDBGetItemRequest {
  const board = boardOf(ctx.stash);
  if (board === null) runtime.earlyReturn(ctx.prev.result);
  return {
    operation: 'GetItem',
    key: util.dynamodb.toMapValues(indexKeyOf(board!, ctx.stash.racerId as string)),
    consistentRead: true,
  };
}

export function response(ctx: Context): unknown {
  raiseDataSourceError(ctx);
  const board = boardOf(ctx.stash);
  const position = positionIn(ctx.result, ctx.stash.racerId as string);
  ctx.stash.position = position;
  ctx.stash.bandsToRead = board === null || position < 0 ? [] : bandsAround(board, position);
  return position;
}
