/**
 * Stores a published board as the items the live queries read
 * (core/liveBoardItems.ts): the bands and index slices go into the copy the
 * head does not point at, then the head flips to it with a conditional put,
 * so a board is never shown half written. A board older than the stored one
 * (a snapshot of less progress) is not stored.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { liveBoardHeadKey } from '../../core/keys.js';
import { boardHeadOf } from '../../core/liveBoardItems.js';
import { buildLiveBoardItems } from './boardItems.js';
import type { LiveEntry } from '../../core/livePart.js';
import { batchPutAll } from '../runtime/batchPutAll.js';
import { writtenUnlessConditionFails } from '../runtime/conditionalWrite.js';

export interface StoredBoard {
  /** False when a board of more progress was stored first (this one is older) or won the head meanwhile. */
  stored: boolean;
  /** DynamoDB write calls made (BatchWriteItem calls and the head's PutItem). */
  writeCalls: number;
}

/** Error thrown when some of a board's items could not be written: its head is not moved to them. */
export class LiveBoardStoreError extends Error {
  override readonly name = 'LiveBoardStoreError';
}

/** Band and index writes in flight at once (a 50,000-rider board is about 1,050 items: 42 calls). */
const PARALLEL_WRITES = 8;

export async function storeLiveBoard(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  board: { classId: number; raceId: number; updatedAt: string; entries: readonly LiveEntry[] },
  progress: number,
  topRiders: number,
): Promise<StoredBoard> {
  const headKey = liveBoardHeadKey(board.classId, board.raceId);
  const read = await ddb.send(new GetCommand({ TableName: tableName, Key: headKey, ConsistentRead: true }));
  const current = boardHeadOf(read.Item);
  if (current !== null && current.progress > progress) return { stored: false, writeCalls: 0 };
  const copy = current === null ? 0 : 1 - current.copy;
  const items = buildLiveBoardItems(board, copy, progress, topRiders);
  const put = await batchPutAll(ddb, tableName, [...items.bands, ...items.index] as Array<{ PK: string; SK: string }>, {
    parallel: PARALLEL_WRITES,
  });
  if (put.failed.length > 0) {
    throw new LiveBoardStoreError(`${put.failed.length} board items could not be written`, {
      cause: put.failed[0]?.error,
    });
  }
  const stored = await writtenUnlessConditionFails(
    ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: items.head,
        ConditionExpression: current === null ? 'attribute_not_exists(PK)' : '#copy = :was AND progress <= :progress',
        ExpressionAttributeNames: current === null ? undefined : { '#copy': 'copy' },
        ExpressionAttributeValues: current === null ? undefined : { ':was': current.copy, ':progress': progress },
      }),
    ),
  );
  return { stored, writeCalls: put.calls + 1 };
}
