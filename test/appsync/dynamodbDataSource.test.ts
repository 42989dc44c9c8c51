// The DynamoDB data source against DynamoDB Local: AppSync's request objects, results, errors.
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createTestTable } from '../support/resources.js';
import { createDynamoDbDataSource } from '../../local/appsync/datasources/dynamodb.js';
import * as ddb from '../../local/appsync/util/ddbModule.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../../local/credentials.js';
import type { DataSource } from '../../local/appsync/datasources/types.js';

let ds: DataSource;
let tableName: string;
const call = (request: unknown, callerId = 'Query.test') => ds.invoke({ request, callerId });

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  tableName = (await createTestTable(endpoint)).tableName;
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS });
  ds = createDynamoDbDataSource({ client, tableName });
});

describe('single-item operations', () => {
  it('PutItem returns the item written, GetItem reads it back unmarshalled (N as numbers, sets as arrays)', async () => {
    const put = await call(
      ddb.put({
        key: { PK: 'p#1', SK: 'a' },
        item: { n: 1.5, s: 'x', l: [1, 'two'], m: { deep: true }, nul: null, tags: ddb.toStringSet(['a', 'b']) },
      }),
    );
    expect(put.error).toBeUndefined();
    expect(put.result).toEqual({
      PK: 'p#1',
      SK: 'a',
      n: 1.5,
      s: 'x',
      l: [1, 'two'],
      m: { deep: true },
      nul: null,
      tags: ['a', 'b'],
    });
    const got = await call(ddb.get({ key: { PK: 'p#1', SK: 'a' }, consistentRead: true }));
    expect(got.result).toEqual(put.result);
  });

  it('accepts N given as a string too', async () => {
    const out = await call({
      operation: 'PutItem',
      key: { PK: { S: 'p#n' }, SK: { S: 'a' } },
      attributeValues: { v: { N: '42' } },
    });
    expect(out.result).toEqual({ PK: 'p#n', SK: 'a', v: 42 });
  });

  it('GetItem of a missing item is null', async () => {
    expect((await call(ddb.get({ key: { PK: 'missing', SK: 'a' } }))).result).toBeNull();
  });

  it('GetItem with a projection', async () => {
    await call(ddb.put({ key: { PK: 'p#proj', SK: 'a' }, item: { keep: 1, drop: 2, nested: { x: 1, y: 2 } } }));
    const out = await call(
      ddb.get({ key: { PK: 'p#proj', SK: 'a' }, consistentRead: true, projection: ['keep', 'nested.x'] }),
    );
    expect(out.result).toEqual({ keep: 1, nested: { x: 1 } });
  });

  it('a conditional Put that fails reports DynamoDB:ConditionalCheckFailedException with the current item', async () => {
    await call(ddb.put({ key: { PK: 'p#c', SK: 'a' }, item: { v: 1 } }));
    const out = await call(
      ddb.put({ key: { PK: 'p#c', SK: 'a' }, item: { v: 2 }, condition: { PK: { attributeExists: false } } }),
    );
    expect(out.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    expect(out.error?.message).toMatch(
      /^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: /,
    );
    expect(out.result).toEqual({ PK: 'p#c', SK: 'a', v: 1 });
  });

  it('a conditional Put whose item already equals the stored one succeeds (AppSync re-read rule)', async () => {
    const out = await call(
      ddb.put({ key: { PK: 'p#c', SK: 'a' }, item: { v: 1 }, condition: { PK: { attributeExists: false } } }),
    );
    expect(out.error).toBeUndefined();
    expect(out.result).toEqual({ PK: 'p#c', SK: 'a', v: 1 });
  });

  it('a conditional Delete of an item that does not exist succeeds with null', async () => {
    const out = await call(ddb.remove({ key: { PK: 'gone', SK: 'a' }, condition: { PK: { attributeExists: true } } }));
    expect(out).toEqual({ result: null });
  });

  it('DeleteItem returns the deleted item; a failing condition on an existing item is an error', async () => {
    await call(ddb.put({ key: { PK: 'p#d', SK: 'a' }, item: { v: 5 } }));
    const refused = await call(ddb.remove({ key: { PK: 'p#d', SK: 'a' }, condition: { v: { eq: 6 } } }));
    expect(refused.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
    const out = await call(ddb.remove({ key: { PK: 'p#d', SK: 'a' }, condition: { v: { eq: 5 } } }));
    expect(out.result).toEqual({ PK: 'p#d', SK: 'a', v: 5 });
  });

  it('UpdateItem returns the item after the update; increment on a missing attribute is a DynamoDB error', async () => {
    await call(ddb.put({ key: { PK: 'p#u', SK: 'a' }, item: { n: 1, list: [1] } }));
    const out = await call(
      ddb.update({
        key: { PK: 'p#u', SK: 'a' },
        update: {
          n: ddb.operations.increment(2),
          list: ddb.operations.append([2]),
          gone: ddb.operations.remove(),
          s: 'new',
        },
      }),
    );
    expect(out.result).toEqual({ PK: 'p#u', SK: 'a', n: 3, list: [1, 2], s: 'new' });
    const missing = await call(
      ddb.update({ key: { PK: 'p#u', SK: 'a' }, update: { nope: ddb.operations.increment(1) } }),
    );
    expect(missing.error?.type).toBe('DynamoDB:ValidationException');
  });

  it('UpdateItem with a failing condition is an error', async () => {
    const out = await call(
      ddb.update({ key: { PK: 'p#u', SK: 'a' }, update: { n: 10 }, condition: { n: { eq: 999 } } }),
    );
    expect(out.error?.type).toBe('DynamoDB:ConditionalCheckFailedException');
  });

  it('accepts the condition as the JSON string util.transform returns', async () => {
    const out = await call({
      ...ddb.put({ key: { PK: 'p#s', SK: 'a' }, item: { v: 1 } }),
      condition: JSON.stringify({ expression: 'attribute_not_exists(#pk)', expressionNames: { '#pk': 'PK' } }),
    });
    expect(out.error).toBeUndefined();
  });

  it('refuses a typed value with more than one key', async () => {
    const out = await call({ operation: 'GetItem', key: { PK: { S: 'a', N: 1 }, SK: { S: 'a' } } });
    expect(out.error?.type).toBe('DynamoDB:ValidationException');
    expect(out.error?.message).toMatch(/exactly one type key/);
  });
});

describe('Query and Scan', () => {
  beforeAll(async () => {
    for (const n of [1, 2, 3, 4, 5]) await call(ddb.put({ key: { PK: 'q#1', SK: `s${n}` }, item: { n } }));
  });

  it('pages with an opaque nextToken until it is null', async () => {
    const seen: number[] = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const out = await call(ddb.query({ query: { PK: { eq: 'q#1' } }, limit: 2, nextToken }));
      const r = out.result as { items: Array<{ n: number }>; nextToken: string | null; scannedCount: number };
      seen.push(...r.items.map((i) => i.n));
      nextToken = r.nextToken;
      pages += 1;
      if (nextToken) expect(nextToken).not.toMatch(/q#1/);
    } while (nextToken && pages < 10);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });

  it('a nextToken only works for the resolver that issued it', async () => {
    const first = await call(ddb.query({ query: { PK: { eq: 'q#1' } }, limit: 2 }), 'Query.a');
    const token = (first.result as { nextToken: string }).nextToken;
    const foreign = await call(ddb.query({ query: { PK: { eq: 'q#1' } }, limit: 2, nextToken: token }), 'Query.b');
    expect(foreign.error?.message).toMatch(/another resolver/);
    expect(
      (await call(ddb.query({ query: { PK: { eq: 'q#1' } }, limit: 2, nextToken: 'garbage' }), 'Query.a')).error?.type,
    ).toBe('DynamoDB:ValidationException');
  });

  it('key conditions, descending order, filters (scannedCount counts before the filter)', async () => {
    const out = await call(
      ddb.query({
        query: { PK: { eq: 'q#1' }, SK: { between: ['s2', 's4'] } },
        scanIndexForward: false,
        filter: { n: { ne: 3 } },
      }),
    );
    expect(out.result).toEqual({
      items: [
        { PK: 'q#1', SK: 's4', n: 4 },
        { PK: 'q#1', SK: 's2', n: 2 },
      ],
      nextToken: null,
      scannedCount: 3,
    });
    const prefix = await call(ddb.query({ query: { PK: { eq: 'q#1' }, SK: { beginsWith: 's5' } } }));
    expect((prefix.result as { items: unknown[] }).items).toHaveLength(1);
  });

  it('Scan with a filter', async () => {
    const out = await call(ddb.scan({ filter: { PK: { eq: 'q#1' }, n: { gt: 3 } } }));
    expect((out.result as { items: Array<{ n: number }> }).items.map((i) => i.n).sort()).toEqual([4, 5]);
  });
});

describe('batch and transactions', () => {
  it('BatchPutItem, BatchGetItem (request order kept, null when missing), BatchDeleteItem', async () => {
    const put = await call(
      ddb.batchPut({
        tables: {
          [tableName]: [
            { PK: 'b#1', SK: 'a', v: 1 },
            { PK: 'b#2', SK: 'a', v: 2 },
          ],
        },
      }),
    );
    expect(put.result).toEqual({
      data: {
        [tableName]: [
          { PK: 'b#1', SK: 'a', v: 1 },
          { PK: 'b#2', SK: 'a', v: 2 },
        ],
      },
      unprocessedItems: { [tableName]: [] },
    });
    const got = await call(
      ddb.batchGet({
        tables: {
          [tableName]: {
            keys: [
              { PK: 'b#2', SK: 'a' },
              { PK: 'b#none', SK: 'a' },
              { PK: 'b#1', SK: 'a' },
            ],
            consistentRead: true,
          },
        },
      }),
    );
    expect(got.result).toEqual({
      data: { [tableName]: [{ PK: 'b#2', SK: 'a', v: 2 }, null, { PK: 'b#1', SK: 'a', v: 1 }] },
      unprocessedKeys: { [tableName]: [] },
    });
    const del = await call(ddb.batchDelete({ tables: { [tableName]: [{ PK: 'b#1', SK: 'a' }] } }));
    expect(del.result).toEqual({
      data: { [tableName]: [{ PK: 'b#1', SK: 'a' }] },
      unprocessedKeys: { [tableName]: [] },
    });
  });

  it('TransactWriteItems succeeds with keys; a failed condition gives cancellationReasons and ctx.error', async () => {
    const ok = await call(
      ddb.transactWrite({
        items: [
          { putItem: { table: tableName, key: { PK: 't#1', SK: 'a' }, item: { v: 1 } } },
          { updateItem: { table: tableName, key: { PK: 't#2', SK: 'a' }, update: { v: 2 } } },
        ],
      }),
    );
    expect(ok).toEqual({
      result: {
        keys: [
          { PK: 't#1', SK: 'a' },
          { PK: 't#2', SK: 'a' },
        ],
        cancellationReasons: null,
      },
    });
    const failed = await call(
      ddb.transactWrite({
        items: [
          { conditionCheck: { table: tableName, key: { PK: 't#1', SK: 'a' }, condition: { v: { eq: 99 } } } },
          { deleteItem: { table: tableName, key: { PK: 't#2', SK: 'a' } } },
        ],
      }),
    );
    expect(failed.result).toEqual({
      keys: null,
      cancellationReasons: [
        { type: 'ConditionCheckFailed', message: 'The condition check failed.' },
        { type: 'None', message: 'None' },
      ],
    });
    expect(failed.error?.type).toBe('DynamoDB:TransactionCanceledException');
  });

  it('TransactGetItems', async () => {
    const out = await call(
      ddb.transactGet({
        items: [
          { table: tableName, key: { PK: 't#1', SK: 'a' } },
          { table: tableName, key: { PK: 't#none', SK: 'a' } },
        ],
      }),
    );
    expect(out.result).toEqual({ items: [{ PK: 't#1', SK: 'a', v: 1 }, null], cancellationReasons: null });
  });
});
