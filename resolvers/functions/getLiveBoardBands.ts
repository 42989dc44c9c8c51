/**
 * Pipeline function of the live queries: the bands ctx.stash.bandsToRead of
 * the board found (one BatchGetItem, at most 55 bands: the top of the field
 * within 240 KB). Skipped (earlyReturn) when there is nothing to read.
 */
import { runtime, type Context, type DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { bandKeysToRead, batchGet, batchItems, keepBands } from '../lib/liveBoardReads.js';

export function request(ctx: Context): DynamoDBBatchGetItemRequest {
  const keys = bandKeysToRead(ctx.stash);
  if (keys.length === 0) runtime.earlyReturn(ctx.prev.result);
  return batchGet(ctx.env, keys);
}

export function response(ctx: Context): unknown {
  raiseDataSourceError(ctx);
  keepBands(ctx.stash, batchItems(ctx.env, ctx.result));
  return ctx.stash.storedBands;
}
