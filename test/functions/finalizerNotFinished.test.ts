/** Not-finished results written in transactions of 100 against DynamoDB Local: a final that landed first always wins. */
import { describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { buildResultItem } from '../../core/resultItem.js';
import type { ResultItem } from '../../core/resultItem.js';
import { putResultsAll, TRANSACT_WRITE_LIMIT } from '../../functions/finalizer/raceStore.js';
import { raceShardItems } from '../support/shardedReads.js';
import { useTestTable } from '../support/useTestTable.js';
import { documentClient } from './support.js';

describe('putResultsAll against DynamoDB Local', () => {
  const table = useTestTable();

  const notFinished = (raceId: number, count: number): ResultItem[] =>
    Array.from({ length: count }, (_, i) =>
      buildResultItem({
        classId: 3,
        raceId,
        racerId: `r${i}`,
        output: 10 + i,
        lastSecond: 200,
        finished: false,
      }),
    );

  async function results(raceId: number): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const i of await raceShardItems(documentClient(table.endpoint), table.tableName, 3, raceId))
      out.set(String(i.racerId), i);
    return out;
  }

  it('writes more than one transaction of items, every rider once', async () => {
    const raceId = 7_000_001;
    const items = notFinished(raceId, TRANSACT_WRITE_LIMIT * 2 + 17);
    expect(await putResultsAll(documentClient(table.endpoint), table.tableName, items)).toEqual({
      written: items.length,
      alreadyHadResult: 0,
      left: 0,
    });
    const stored = await results(raceId);
    expect(stored.size).toBe(items.length);
    expect(stored.get('r216')).toMatchObject({
      finished: false,
      output: 226,
      lastSecond: 200,
    });
  });

  it('keeps a final that landed before the write; the rest of its transaction is still written', async () => {
    const raceId = 7_000_002;
    const items = notFinished(raceId, 150);
    // r5 finished after the closer read the results: its final is there first.
    const final = buildResultItem({
      classId: 3,
      raceId,
      racerId: 'r5',
      output: 99,
      lastSecond: 300,
      finished: true,
    });
    await documentClient(table.endpoint).send(new PutCommand({ TableName: table.tableName, Item: final }));
    expect(await putResultsAll(documentClient(table.endpoint), table.tableName, items)).toEqual({
      written: 149,
      alreadyHadResult: 1,
      left: 0,
    });
    const stored = await results(raceId);
    expect(stored.size).toBe(150);
    expect(stored.get('r5')).toMatchObject({
      finished: true,
      output: 99,
      lastSecond: 300,
    });
    expect(stored.get('r4')).toMatchObject({ finished: false, output: 14 });
  });

  it('writing again (a second closer, or a retry) changes nothing and writes nothing', async () => {
    const raceId = 7_000_003;
    const items = notFinished(raceId, 30);
    await putResultsAll(documentClient(table.endpoint), table.tableName, items);
    expect(await putResultsAll(documentClient(table.endpoint), table.tableName, items)).toEqual({
      written: 0,
      alreadyHadResult: 30,
      left: 0,
    });
    expect((await results(raceId)).size).toBe(30);
  });

  it('writes nothing for no riders', async () => {
    expect(await putResultsAll(documentClient(table.endpoint), table.tableName, [])).toEqual({
      written: 0,
      alreadyHadResult: 0,
      left: 0,
    });
  });

  it('starts no transaction once the deadline has come; writing again with time left writes the rest', async () => {
    const raceId = 7_000_004;
    const items = notFinished(raceId, TRANSACT_WRITE_LIMIT * 3 + 5);
    // The clock reaches the deadline after two transactions have started (one at a time).
    let reads = 0;
    const clock = () => (reads++ < 2 ? 0 : 1);
    expect(await putResultsAll(documentClient(table.endpoint), table.tableName, items, 1, 1, clock)).toEqual({
      written: TRANSACT_WRITE_LIMIT * 2,
      alreadyHadResult: 0,
      left: TRANSACT_WRITE_LIMIT + 5,
    });
    expect((await results(raceId)).size).toBe(TRANSACT_WRITE_LIMIT * 2);
    expect(
      await putResultsAll(documentClient(table.endpoint), table.tableName, items.slice(TRANSACT_WRITE_LIMIT * 2)),
    ).toEqual({
      written: TRANSACT_WRITE_LIMIT + 5,
      alreadyHadResult: 0,
      left: 0,
    });
    expect((await results(raceId)).size).toBe(items.length);
  });
});
