/**
 * Pipeline function of the live queries: the board heads of the running race
 * and of the race just ended (one BatchGetItem); the running race's when it
 * has one, kept in ctx.stash.board (with the asked bands that board has, for liveBoard).
 */
import type { Context, DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { liveBoardHeadKey } from '../../core/keys.js';
import { boardHeadOf, storedBands, type LiveBoardHead } from '../../core/liveBoardItems.js';
import { raiseDataSourceError } from '../lib/dataSource.js';
import { batchGet, batchItems } from '../lib/liveBoardReads.js';

export function request(ctx: Context): DynamoDBBatchGetItemRequest {
  const classId = ctx.stash.classId as number;
  const current = ctx.stash.currentRaceId as number;
  const keys = [liveBoardHeadKey(classId, current)];
  if (current >= 1) keys.push(liveBoardHeadKey(classId, current - 1));
  return batchGet(ctx.env, keys);
}

export function response(ctx: Context): unknown {
  raiseDataSourceError(ctx);
  const current = ctx.stash.currentRaceId as number;
  let board: LiveBoardHead | null = null;
  for (const item of batchItems(ctx.env, ctx.result)) {
    const head = boardHeadOf(item);
    if (head !== null && (board === null || head.raceId > board.raceId) && head.raceId <= current) board = head;
  }
  ctx.stash.board = board;
  if (board !== null && ctx.stash.wanted === 'asked')
    ctx.stash.bandsToRead = storedBands(board, ctx.stash.asked as number[]);
  return board;
}
