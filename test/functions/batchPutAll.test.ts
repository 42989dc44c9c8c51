import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchPutAll } from '../../functions/runtime/batchPutAll.js';
import { createTestTable } from '../support/resources.js';
import { documentClient, noSleep } from './support.js';

describe('BatchWriteItem of many items', () => {
  it('writes 25 items per call against DynamoDB Local', async () => {
    const endpoint = inject('dynamodbEndpoint');
    const { tableName } = await createTestTable(endpoint);
    const items = Array.from({ length: 60 }, (_, i) => ({ PK: 'P', SK: `S${i}`, n: i }));
    const out = await batchPutAll(documentClient(endpoint), tableName, items);
    expect(out).toMatchObject({ written: 60, calls: 3, unprocessedRetries: 0, failed: [] });
  });

  it('retries UnprocessedItems until they are written, and returns what never was', async () => {
    // Stands in for DynamoDB under throttling: the first answer leaves 2 items unprocessed, then all succeed.
    const sent: number[] = [];
    const throttling = {
      send: async (cmd: BatchWriteCommand) => {
        const reqs = cmd.input.RequestItems?.t ?? [];
        sent.push(reqs.length);
        return { UnprocessedItems: sent.length === 1 ? { t: reqs.slice(0, 2) } : {} };
      },
    } as unknown as DynamoDBDocumentClient;
    const items = Array.from({ length: 5 }, (_, i) => ({ PK: 'P', SK: `S${i}` }));
    expect(await batchPutAll(throttling, 't', items, { sleep: noSleep })).toMatchObject({
      written: 5,
      unprocessedRetries: 1,
      failed: [],
    });
    expect(sent).toEqual([5, 2]);

    const never = {
      send: async (cmd: BatchWriteCommand) => ({ UnprocessedItems: { t: cmd.input.RequestItems?.t ?? [] } }),
    } as unknown as DynamoDBDocumentClient;
    const out = await batchPutAll(never, 't', items, { sleep: noSleep, attempts: 3 });
    expect(out.written).toBe(0);
    expect(out.failed.map((f) => f.item.SK)).toEqual(['S0', 'S1', 'S2', 'S3', 'S4']);
  });
});
