/**
 * Stores published boards as the items the live queries read
 * (core/liveBoardItems.ts): each board's bands and index slices go into the
 * copy its head does not point at, then the head flips to it with a
 * conditional put, so a board is never shown half written. A board older
 * than the stored one (a snapshot of less progress) is not stored.
 *
 * The boards a window publishes are stored together: their bands and slices
 * share BatchWriteItem calls (25 items each, whichever race they belong to),
 * and their heads flip in one TransactWriteItems of conditional puts. A head
 * is about 300 bytes, so the transaction's double billing costs a write unit
 * per race, and the window's heads cost one call instead of one per race.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { liveBoardHeadKey } from '../../core/keys.js';
import type { LiveBoardHead } from '../../core/liveBoardItems.js';
import { boardHeadOf } from '../../core/liveBoardItems.js';
import { buildLiveBoardItems } from './boardItems.js';
import type { LiveEntry } from '../../core/livePart.js';
import { chunk } from '../../lib/concurrency.js';
import { batchPutAll } from '../runtime/batchPutAll.js';
import { isTransactionCanceled, writtenUnlessConditionFails } from '../runtime/conditionalWrite.js';

/** A board to store: the ranked entries published, the snapshot's progress, the riders of its top of the field. */
export interface BoardToStore {
  board: { classId: number; raceId: number; updatedAt: string; entries: readonly LiveEntry[] };
  progress: number;
  topRiders: number;
}

export interface StoredBoard {
  /** False when a board of more progress was stored first (this one is older) or won the head meanwhile. */
  stored: boolean;
  /** DynamoDB write calls made (BatchWriteItem calls and the head's PutItem). */
  writeCalls: number;
}

/** What storing a window's boards did, board by board in the order given. */
export interface StoredBoards {
  /** Per board: stored (true), older than the stored one or beaten to its head (false), or why it failed. */
  outcomes: Array<boolean | LiveBoardStoreError>;
  /** DynamoDB write calls made for all of them. */
  writeCalls: number;
}

/** Error of a board some of whose items could not be written: its head is not moved to them. */
export class LiveBoardStoreError extends Error {
  override readonly name = 'LiveBoardStoreError';
}

/** Band and index writes in flight at once (a 50,000-rider board is about 1,050 items: 42 calls). */
const PARALLEL_WRITES = 8;

/** Actions one TransactWriteItems takes at most (DynamoDB's limit). */
const TRANSACT_WRITE_LIMIT = 100;

/** Stores one published board (storeLiveBoards with one board). */
export async function storeLiveBoard(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  board: BoardToStore['board'],
  progress: number,
  topRiders: number,
): Promise<StoredBoard> {
  const { outcomes, writeCalls } = await storeLiveBoards(ddb, tableName, [{ board, progress, topRiders }]);
  const outcome = outcomes[0];
  if (outcome instanceof Error) throw outcome;
  return { stored: outcome === true, writeCalls };
}

interface Pending {
  at: number;
  head: Record<string, unknown>;
  current: LiveBoardHead | null;
  progress: number;
}

/** The conditional put that flips a board's head to its new copy. */
function headPut(tableName: string, p: Pending) {
  if (p.current === null)
    return { TableName: tableName, Item: p.head, ConditionExpression: 'attribute_not_exists(PK)' };
  return {
    TableName: tableName,
    Item: p.head,
    ConditionExpression: '#copy = :was AND progress <= :progress',
    ExpressionAttributeNames: { '#copy': 'copy' },
    ExpressionAttributeValues: { ':was': p.current.copy, ':progress': p.progress },
  };
}

/**
 * Stores the boards one window publishes, one per race. A board whose items
 * could not all be written keeps its previous head (its outcome is the
 * error); the others are stored. A transaction of heads that DynamoDB cancels
 * (a head changed meanwhile, or a conflicting write) flips each head on its
 * own instead, with its own condition.
 */
export async function storeLiveBoards(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  boards: readonly BoardToStore[],
): Promise<StoredBoards> {
  const outcomes: Array<boolean | LiveBoardStoreError> = boards.map(() => false);
  // One transaction (and one BatchWriteItem) may not name an item twice.
  const races = new Set(boards.map(({ board }) => `${board.classId}#${board.raceId}`));
  if (races.size < boards.length) throw new LiveBoardStoreError('one board per race can be stored at once');
  const heads = await Promise.all(
    boards.map(async ({ board }) => {
      const key = liveBoardHeadKey(board.classId, board.raceId);
      return boardHeadOf(
        (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item,
      );
    }),
  );
  const pending: Pending[] = [];
  const items: Array<{ PK: string; SK: string }> = [];
  boards.forEach(({ board, progress, topRiders }, at) => {
    const current = heads[at] ?? null;
    if (current !== null && current.progress > progress) return;
    const built = buildLiveBoardItems(board, current === null ? 0 : 1 - current.copy, progress, topRiders);
    items.push(...([...built.bands, ...built.index] as Array<{ PK: string; SK: string }>));
    pending.push({ at, head: built.head, current, progress });
  });
  if (pending.length === 0) return { outcomes, writeCalls: 0 };
  const put = await batchPutAll(ddb, tableName, items, { parallel: PARALLEL_WRITES });
  let writeCalls = put.calls;
  // Each board's items share its race's partition key: a failed item names the board it belongs to.
  const failedPks = new Map<string, Error>();
  for (const f of put.failed) failedPks.set(f.item.PK, f.error);
  const ready = pending.filter((p) => {
    const error = failedPks.get(String(p.head.PK));
    if (error === undefined) return true;
    outcomes[p.at] = new LiveBoardStoreError('some board items could not be written', { cause: error });
    return false;
  });
  for (const part of chunk(ready, TRANSACT_WRITE_LIMIT)) {
    writeCalls += 1;
    if (part.length > 1) {
      try {
        await ddb.send(new TransactWriteCommand({ TransactItems: part.map((p) => ({ Put: headPut(tableName, p) })) }));
        for (const p of part) outcomes[p.at] = true;
        continue;
      } catch (error) {
        if (!isTransactionCanceled(error)) throw error;
        writeCalls += part.length;
      }
    }
    await Promise.all(
      part.map(async (p) => {
        outcomes[p.at] = await writtenUnlessConditionFails(ddb.send(new PutCommand(headPut(tableName, p))));
      }),
    );
  }
  return { outcomes, writeCalls };
}
