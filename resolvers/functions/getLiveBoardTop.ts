/**
 * Pipeline function of Query.liveRankings: the bands of the top of the field
 * of the board found (one Query of consecutive band items: the top within
 * AppSync's 240 KB event, so one page). Skipped (earlyReturn) when there is
 * no board.
 */
import { runtime, util, type Context, type DynamoDBQueryRequest } from '@aws-appsync/utils';
import { topBandRange } from '../../core/liveBoardItems.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { boardOf, keepBands } from '../lib/liveBoardReads.js';

export function request(ctx: Context): DynamoDBQueryRequest {
  const board = boardOf(ctx.stash);
  if (board === null) runtime.earlyReturn(ctx.prev.result);
  const range = topBandRange(board!);
  return {
    operation: 'Query',
    query: {
      expression: 'PK = :pk AND SK BETWEEN :first AND :last',
      expressionValues: util.dynamodb.toMapValues({ ':pk': range.PK, ':first': range.first, ':last': range.last }),
    },
    limit: range.count,
    consistentRead: true,
  };
}

export function response(ctx: Context): unknown {
  raiseDataSourceError(ctx);
  keepBands(ctx.stash, (ctx.result.items ?? []) as unknown[]);
  return ctx.stash.storedBands;
}
