/**
 * Storing a window's published boards together (functions/aggregator/liveBoardStore.ts)
 * on DynamoDB Local: shared BatchWriteItem calls for the items, one transaction
 * for the heads, and each board's own guarantees kept when they are stored at once.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { liveBoardHeadKey, racePk } from '../../core/keys.js';
import { boardHeadOf, storedBandOf } from '../../core/liveBoardItems.js';
import type { LiveEntry } from '../../core/livePart.js';
import type { BoardToStore } from '../../functions/aggregator/liveBoardStore.js';
import { storeLiveBoard, storeLiveBoards } from '../../functions/aggregator/liveBoardStore.js';
import { useTestTable } from '../support/useTestTable.js';
import { documentClient } from './support.js';

const AT = '2026-12-07T11:00:00.000Z';

function entries(n: number, lead: number): LiveEntry[] {
  return Array.from({ length: n }, (_, i) => ({
    rank: i + 1,
    racerId: `r${String(i).padStart(4, '0')}`,
    name: `Rider ${i}`,
    output: lead + n - i,
    second: 60,
    flags: [],
  }));
}

function board(classId: number, riders: number, progress: number, lead = 0): BoardToStore {
  return {
    board: { classId, raceId: 900, updatedAt: AT, entries: entries(riders, lead) },
    progress,
    topRiders: riders,
  };
}

async function head(ddb: DynamoDBDocumentClient, tableName: string, classId: number) {
  const res = await ddb.send(
    new GetCommand({ TableName: tableName, Key: liveBoardHeadKey(classId, 900), ConsistentRead: true }),
  );
  return boardHeadOf(res.Item);
}

/** Every rider of the board the head points at, band by band. */
async function storedRiders(ddb: DynamoDBDocumentClient, tableName: string, classId: number) {
  const h = await head(ddb, tableName, classId);
  if (h === null) return { progress: undefined, racerIds: [] as string[] };
  const res = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :b)',
      ExpressionAttributeValues: { ':pk': racePk(classId, 900), ':b': `BOARD#${h.copy}#B#` },
      ConsistentRead: true,
    }),
  );
  const bands = (res.Items ?? []).map(storedBandOf);
  expect(bands.every((b) => b?.progress === h.progress)).toBe(true);
  return { progress: h.progress, racerIds: bands.flatMap((b) => b?.entries.map((e) => e.racerId) ?? []) };
}

/** A document client whose write calls are counted by command, and that runs `before` ahead of each write. */
function countedClient(endpoint: string, before?: (command: string) => Promise<void>) {
  const ddb = documentClient(endpoint);
  const calls: string[] = [];
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      if (/Put|Update|BatchWrite|TransactWrite|Delete/.test(name)) {
        calls.push(name);
        await before?.(name);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countBoardWrites' },
  );
  return { ddb, calls };
}

describe('storing the boards one window publishes (DynamoDB Local)', () => {
  const table = useTestTable();

  it("stores six small classes' boards in one BatchWriteItem and one transaction of heads, each complete", async () => {
    const { ddb, calls } = countedClient(table.endpoint);
    const boards = [1, 2, 3, 4, 5, 6].map((c) => board(c, 40 + c, 5));
    const stored = await storeLiveBoards(ddb, table.tableName, boards);
    expect(stored.outcomes).toEqual([true, true, true, true, true, true]);
    expect(calls).toEqual(['BatchWriteItemCommand', 'TransactWriteItemsCommand']);
    expect(stored.writeCalls).toBe(2);
    for (const c of [1, 2, 3, 4, 5, 6]) {
      const read = await storedRiders(ddb, table.tableName, c);
      expect(read).toEqual({ progress: 5, racerIds: entries(40 + c, 0).map((e) => e.racerId) });
    }
    // The next window's boards go into the other copies and flip every head.
    const next = await storeLiveBoards(
      ddb,
      table.tableName,
      [1, 2, 3, 4, 5, 6].map((c) => board(c, 50, 6, 1000)),
    );
    expect(next.outcomes.every((o) => o === true)).toBe(true);
    expect((await head(ddb, table.tableName, 1))?.copy).toBe(1);
    expect((await storedRiders(ddb, table.tableName, 6)).racerIds).toHaveLength(50);
  });

  it('keeps a newer stored board: an older one is not stored, the others of the window are', async () => {
    const { ddb } = countedClient(table.endpoint);
    await storeLiveBoard(ddb, table.tableName, board(12, 30, 9).board, 9, 30);
    const stored = await storeLiveBoards(ddb, table.tableName, [board(11, 20, 8), board(12, 10, 8), board(13, 20, 8)]);
    expect(stored.outcomes).toEqual([true, false, true]);
    expect(await storedRiders(ddb, table.tableName, 12)).toMatchObject({ progress: 9 });
    expect((await storedRiders(ddb, table.tableName, 12)).racerIds).toHaveLength(30);
    expect((await storedRiders(ddb, table.tableName, 13)).racerIds).toHaveLength(20);
  });

  it('flips each head on its own when another closer moves one head between the read and the transaction', async () => {
    const writer = documentClient(table.endpoint);
    // A lagging closer's board of more progress for class 22 lands just before the heads flip.
    const newer = board(22, 35, 50);
    let raced = false;
    const { ddb, calls } = countedClient(table.endpoint, async (command) => {
      if (command !== 'TransactWriteItemsCommand' || raced) return;
      raced = true;
      await storeLiveBoard(writer, table.tableName, newer.board, newer.progress, newer.topRiders);
    });
    const stored = await storeLiveBoards(ddb, table.tableName, [board(21, 20, 3), board(22, 20, 3), board(23, 20, 3)]);
    expect(raced).toBe(true);
    // The cancelled transaction, then one conditional put per head.
    expect(calls).toEqual([
      'BatchWriteItemCommand',
      'TransactWriteItemsCommand',
      'PutItemCommand',
      'PutItemCommand',
      'PutItemCommand',
    ]);
    expect(stored.writeCalls).toBe(5);
    expect(stored.outcomes).toEqual([true, false, true]);
    expect(await storedRiders(ddb, table.tableName, 22)).toMatchObject({ progress: 50 });
    expect((await storedRiders(ddb, table.tableName, 22)).racerIds).toHaveLength(35);
    expect((await storedRiders(ddb, table.tableName, 21)).racerIds).toHaveLength(20);
  });

  it('stores one board with one BatchWriteItem and one conditional put, as before', async () => {
    const { ddb, calls } = countedClient(table.endpoint);
    const stored = await storeLiveBoard(ddb, table.tableName, board(31, 1000, 4).board, 4, 1000);
    expect(stored).toEqual({ stored: true, writeCalls: 2 });
    expect(calls).toEqual(['BatchWriteItemCommand', 'PutItemCommand']);
    expect((await storedRiders(ddb, table.tableName, 31)).racerIds).toHaveLength(1000);
  });
});
