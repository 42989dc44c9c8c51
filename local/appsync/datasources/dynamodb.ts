/**
 * The DynamoDB data source: runs AppSync's DynamoDB request objects
 * [DOC js-aws-appsync-resolver-reference-dynamodb-*] against DynamoDB (Local).
 * Results are unmarshalled; failures become ctx.error {message, type:
 * "DynamoDB:<Exception>"} rather than exceptions (AppSync hands them to the
 * response handler); conditional Put and Delete follow AppSync's re-read rules.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { fromAttributeMap, toAttributeMap, TypedValueError } from './attributeValues.js';
import { decodeNextToken, encodeNextToken, InvalidNextTokenError } from './nextToken.js';
import type { DataSource, DataSourceResult } from './types.js';
import { isRecord } from '../../../lib/isRecord.js';

type Obj = Record<string, unknown>;

/** A request object AppSync would not accept. */
export class DynamoDBRequestError extends Error {
  override readonly name = 'DynamoDBRequestError';
}

interface Expr {
  expression: string;
  names: Record<string, string>;
  values: Record<string, AttributeValue>;
}

/** Reads an expression object; `condition`/`filter` may also come as the JSON string util.transform returns [DOC, inconsistent]. */
function readExpression(value: unknown, what: string): Expr | undefined {
  if (value === undefined || value === null) return undefined;
  const v = typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
  if (!isRecord(v) || typeof v['expression'] !== 'string')
    throw new DynamoDBRequestError(`${what} needs an "expression" string`);
  const names = isRecord(v['expressionNames']) ? (v['expressionNames'] as Record<string, string>) : {};
  return {
    expression: v['expression'],
    names: { ...names },
    values: toAttributeMap(v['expressionValues'], `${what}.expressionValues`),
  };
}

/** Merges expressions' names and values into one set of command parameters. */
function attributes(...exprs: Array<Expr | undefined>): {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  for (const e of exprs) {
    if (!e) continue;
    Object.assign(names, e.names);
    Object.assign(values, e.values);
  }
  return {
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

function optional<T>(name: string, value: T | undefined | null): Record<string, T> {
  return value === undefined || value === null ? {} : { [name]: value };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function withoutAttrs(item: Obj, ignore: readonly string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(item)) if (!ignore.includes(k)) out[k] = v;
  return out;
}

function errorOf(err: unknown): { message: string; type: string } {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; requestId?: string } };
  const name = e.name ?? 'InternalServerError';
  const status = e.$metadata?.httpStatusCode ?? 400;
  const requestId = e.$metadata?.requestId ?? 'local';
  return {
    message: `${e.message ?? String(err)} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})`,
    type: `DynamoDB:${name}`,
  };
}

function keyString(key: Obj, names: readonly string[]): string {
  return JSON.stringify(names.map((n) => key[n]));
}

export interface DynamoDbDataSourceOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

export function createDynamoDbDataSource({ client, tableName }: DynamoDbDataSourceOptions): DataSource {
  async function currentItem(key: Record<string, AttributeValue>): Promise<Obj | null> {
    const out = await client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return out.Item ? fromAttributeMap(out.Item) : null;
  }

  async function getItem(r: Obj): Promise<DataSourceResult> {
    const projection = readExpression(r['projection'], 'projection');
    const out = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: toAttributeMap(r['key'], 'key'),
        ConsistentRead: r['consistentRead'] === true,
        ...optional('ProjectionExpression', projection?.expression),
        ...attributes(projection),
      }),
    );
    return { result: out.Item ? fromAttributeMap(out.Item) : null };
  }

  async function putItem(r: Obj): Promise<DataSourceResult> {
    const key = toAttributeMap(r['key'], 'key');
    const item = { ...toAttributeMap(r['attributeValues'], 'attributeValues'), ...key };
    const condition = readExpression(r['condition'], 'condition');
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: item,
          ...optional('ConditionExpression', condition?.expression),
          ...attributes(condition),
        }),
      );
      return { result: fromAttributeMap(item) };
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      // AppSync re-reads the item: if it already equals what we tried to write, the Put succeeds [DOC condition-expressions].
      const current = await currentItem(key);
      const ignore =
        isRecord(r['condition']) && Array.isArray(r['condition']['equalsIgnore'])
          ? r['condition']['equalsIgnore'].map(String)
          : [];
      if (current && deepEqual(withoutAttrs(current, ignore), withoutAttrs(fromAttributeMap(item), ignore)))
        return { result: current };
      return { result: current, error: errorOf(err) };
    }
  }

  async function updateItem(r: Obj): Promise<DataSourceResult> {
    const key = toAttributeMap(r['key'], 'key');
    const update = readExpression(r['update'], 'update');
    if (!update) throw new DynamoDBRequestError('UpdateItem needs an "update" expression');
    const condition = readExpression(r['condition'], 'condition');
    try {
      const out = await client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: update.expression,
          ReturnValues: 'ALL_NEW',
          ...optional('ConditionExpression', condition?.expression),
          ...attributes(update, condition),
        }),
      );
      return { result: out.Attributes ? fromAttributeMap(out.Attributes) : null };
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      return { result: await currentItem(key), error: errorOf(err) };
    }
  }

  async function deleteItem(r: Obj): Promise<DataSourceResult> {
    const key = toAttributeMap(r['key'], 'key');
    const condition = readExpression(r['condition'], 'condition');
    try {
      const out = await client.send(
        new DeleteItemCommand({
          TableName: tableName,
          Key: key,
          ReturnValues: 'ALL_OLD',
          ...optional('ConditionExpression', condition?.expression),
          ...attributes(condition),
        }),
      );
      return { result: out.Attributes ? fromAttributeMap(out.Attributes) : null };
    } catch (err) {
      if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
      // AppSync: a conditional Delete of an item that no longer exists succeeds [DOC condition-expressions].
      const current = await currentItem(key);
      if (!current) return { result: null };
      return { result: current, error: errorOf(err) };
    }
  }

  async function queryOrScan(r: Obj, callerId: string, operation: 'Query' | 'Scan'): Promise<DataSourceResult> {
    const filter = readExpression(r['filter'], 'filter');
    const projection = readExpression(r['projection'], 'projection');
    const keyCondition = operation === 'Query' ? readExpression(r['query'], 'query') : undefined;
    if (operation === 'Query' && !keyCondition) throw new DynamoDBRequestError('Query needs a "query" key condition');
    const startKey =
      typeof r['nextToken'] === 'string' && r['nextToken'] !== ''
        ? decodeNextToken(r['nextToken'], callerId)
        : undefined;
    const common = {
      TableName: tableName,
      ...optional('IndexName', typeof r['index'] === 'string' ? r['index'] : undefined),
      ...optional('Limit', typeof r['limit'] === 'number' ? r['limit'] : undefined),
      ...optional('ConsistentRead', typeof r['consistentRead'] === 'boolean' ? r['consistentRead'] : undefined),
      ...optional('Select', typeof r['select'] === 'string' ? (r['select'] as 'ALL_ATTRIBUTES') : undefined),
      ...optional('FilterExpression', filter?.expression),
      ...optional('ProjectionExpression', projection?.expression),
      ...optional('ExclusiveStartKey', startKey ? toAttributeMap(startKey, 'nextToken') : undefined),
      ...attributes(keyCondition, filter, projection),
    };
    const out =
      operation === 'Query'
        ? await client.send(
            new QueryCommand({
              ...common,
              KeyConditionExpression: keyCondition?.expression,
              ...optional(
                'ScanIndexForward',
                typeof r['scanIndexForward'] === 'boolean' ? r['scanIndexForward'] : undefined,
              ),
            }),
          )
        : await client.send(
            new ScanCommand({
              ...common,
              ...optional('Segment', typeof r['segment'] === 'number' ? r['segment'] : undefined),
              ...optional('TotalSegments', typeof r['totalSegments'] === 'number' ? r['totalSegments'] : undefined),
            }),
          );
    // The token carries the key's typed values (S/N as text), which toAttributeMap reads back.
    const typedLek = out.LastEvaluatedKey ? (JSON.parse(JSON.stringify(out.LastEvaluatedKey)) as Obj) : null;
    return {
      result: {
        items: (out.Items ?? []).map((i) => fromAttributeMap(i)),
        nextToken: typedLek ? encodeNextToken(typedLek, callerId) : null,
        scannedCount: out.ScannedCount ?? 0,
      },
    };
  }

  async function batchGet(r: Obj): Promise<DataSourceResult> {
    if (!isRecord(r['tables'])) throw new DynamoDBRequestError('BatchGetItem needs "tables"');
    const requested: Record<string, Obj[]> = {};
    const RequestItems: Record<
      string,
      {
        Keys: Record<string, AttributeValue>[];
        ConsistentRead?: boolean;
        ProjectionExpression?: string;
        ExpressionAttributeNames?: Record<string, string>;
      }
    > = {};
    for (const [table, spec] of Object.entries(r['tables'])) {
      // The typed form is { keys: [...] }; the doc's example also shows a bare array.
      const s: Obj = Array.isArray(spec) ? { keys: spec } : isRecord(spec) ? spec : {};
      const keys = Array.isArray(s['keys']) ? s['keys'] : [];
      const projection = readExpression(s['projection'], 'projection');
      requested[table] = keys.map((k) => fromAttributeMap(toAttributeMap(k, 'key')));
      RequestItems[table] = {
        Keys: keys.map((k) => toAttributeMap(k, 'key')),
        ...optional('ConsistentRead', typeof s['consistentRead'] === 'boolean' ? s['consistentRead'] : undefined),
        ...optional('ProjectionExpression', projection?.expression),
        ...(projection ? { ExpressionAttributeNames: projection.names } : {}),
      };
    }
    const out = await client.send(new BatchGetItemCommand({ RequestItems }));
    const data: Record<string, Array<Obj | null>> = {};
    const unprocessedKeys: Record<string, Obj[]> = {};
    for (const [table, keys] of Object.entries(requested)) {
      const names = Object.keys(keys[0] ?? {});
      const found = new Map<string, Obj>();
      for (const item of out.Responses?.[table] ?? []) {
        const plain = fromAttributeMap(item);
        found.set(keyString(plain, names), plain);
      }
      // AppSync keeps the order of the requested keys, with null where nothing was found.
      data[table] = keys.map((k) => found.get(keyString(k, names)) ?? null);
      unprocessedKeys[table] = (out.UnprocessedKeys?.[table]?.Keys ?? []).map((k) => fromAttributeMap(k));
    }
    return { result: { data, unprocessedKeys } };
  }

  async function batchWrite(r: Obj, kind: 'put' | 'delete'): Promise<DataSourceResult> {
    if (!isRecord(r['tables']))
      throw new DynamoDBRequestError(`Batch${kind === 'put' ? 'Put' : 'Delete'}Item needs "tables"`);
    const RequestItems: Record<
      string,
      Array<{
        PutRequest?: { Item: Record<string, AttributeValue> };
        DeleteRequest?: { Key: Record<string, AttributeValue> };
      }>
    > = {};
    const plain: Record<string, Obj[]> = {};
    for (const [table, list] of Object.entries(r['tables'])) {
      const entries = Array.isArray(list) ? list : [];
      const maps = entries.map((x) => toAttributeMap(x, kind === 'put' ? 'item' : 'key'));
      plain[table] = maps.map((m) => fromAttributeMap(m));
      RequestItems[table] = maps.map((m) =>
        kind === 'put' ? { PutRequest: { Item: m } } : { DeleteRequest: { Key: m } },
      );
    }
    const out = await client.send(new BatchWriteItemCommand({ RequestItems }));
    const data: Record<string, Array<Obj | null>> = {};
    const unprocessed: Record<string, Obj[]> = {};
    for (const [table, items] of Object.entries(plain)) {
      const left = (out.UnprocessedItems?.[table] ?? []).map((w) =>
        fromAttributeMap((kind === 'put' ? w.PutRequest?.Item : w.DeleteRequest?.Key) ?? {}),
      );
      const leftKeys = new Set(left.map((x) => JSON.stringify(x)));
      data[table] = items.map((i) => (leftKeys.has(JSON.stringify(i)) ? null : i));
      unprocessed[table] = left;
    }
    return {
      result: kind === 'put' ? { data, unprocessedItems: unprocessed } : { data, unprocessedKeys: unprocessed },
    };
  }

  async function transactGet(r: Obj): Promise<DataSourceResult> {
    const items = Array.isArray(r['transactItems']) ? r['transactItems'] : [];
    const out = await client.send(
      new TransactGetItemsCommand({
        TransactItems: items.map((raw) => {
          const i = isRecord(raw) ? raw : {};
          const projection = readExpression(i['projection'], 'projection');
          return {
            Get: {
              TableName: String(i['table'] ?? tableName),
              Key: toAttributeMap(i['key'], 'key'),
              ...optional('ProjectionExpression', projection?.expression),
              ...(projection ? { ExpressionAttributeNames: projection.names } : {}),
            },
          };
        }),
      }),
    );
    return {
      result: {
        items: (out.Responses ?? []).map((x) => (x.Item ? fromAttributeMap(x.Item) : null)),
        cancellationReasons: null,
      },
    };
  }

  async function transactWrite(r: Obj): Promise<DataSourceResult> {
    const items = (Array.isArray(r['transactItems']) ? r['transactItems'] : []).map((raw) =>
      isRecord(raw) ? raw : {},
    );
    const TransactItems: TransactWriteItem[] = items.map((i) => {
      const table = String(i['table'] ?? tableName);
      const key = toAttributeMap(i['key'], 'key');
      const condition = readExpression(i['condition'], 'condition');
      const onFail =
        isRecord(i['condition']) && i['condition']['returnValuesOnConditionCheckFailure'] === true
          ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
          : {};
      const cond = { ...optional('ConditionExpression', condition?.expression), ...onFail };
      switch (i['operation']) {
        case 'PutItem':
          return {
            Put: {
              TableName: table,
              Item: { ...toAttributeMap(i['attributeValues'], 'attributeValues'), ...key },
              ...cond,
              ...attributes(condition),
            },
          };
        case 'UpdateItem': {
          const update = readExpression(i['update'], 'update');
          if (!update) throw new DynamoDBRequestError('UpdateItem in a transaction needs "update"');
          return {
            Update: {
              TableName: table,
              Key: key,
              UpdateExpression: update.expression,
              ...cond,
              ...attributes(update, condition),
            },
          };
        }
        case 'DeleteItem':
          return { Delete: { TableName: table, Key: key, ...cond, ...attributes(condition) } };
        case 'ConditionCheck':
          if (!condition) throw new DynamoDBRequestError('ConditionCheck needs "condition"');
          return {
            ConditionCheck: {
              TableName: table,
              Key: key,
              ConditionExpression: condition.expression,
              ...onFail,
              ...attributes(condition),
            },
          };
        default:
          throw new DynamoDBRequestError(`unknown transaction operation ${JSON.stringify(i['operation'])}`);
      }
    });
    try {
      await client.send(new TransactWriteItemsCommand({ TransactItems }));
      return {
        result: {
          keys: items.map((i) => fromAttributeMap(toAttributeMap(i['key'], 'key'))),
          cancellationReasons: null,
        },
      };
    } catch (err) {
      const reasons = (
        err as {
          CancellationReasons?: Array<{ Code?: string; Message?: string; Item?: Record<string, AttributeValue> }>;
        }
      ).CancellationReasons;
      if ((err as { name?: string }).name !== 'TransactionCanceledException' || !reasons) throw err;
      // AppSync's shape: {type:"ConditionCheckFailed", message:"The condition check failed.", item?} / {type:"None", message:"None"} [DOC].
      const cancellationReasons = reasons.map((c) => {
        const code = c.Code ?? 'None';
        if (code === 'None') return { type: 'None', message: 'None' };
        const type = code === 'ConditionalCheckFailed' ? 'ConditionCheckFailed' : code;
        const message = code === 'ConditionalCheckFailed' ? 'The condition check failed.' : c.Message ?? code;
        return { type, message, ...(c.Item ? { item: fromAttributeMap(c.Item) } : {}) };
      });
      return { result: { keys: null, cancellationReasons }, error: errorOf(err) };
    }
  }

  return {
    async invoke({ request, callerId }): Promise<DataSourceResult> {
      try {
        if (!isRecord(request))
          throw new DynamoDBRequestError('The request object must be an object with an "operation"');
        switch (request['operation']) {
          case 'GetItem':
            return await getItem(request);
          case 'PutItem':
            return await putItem(request);
          case 'UpdateItem':
            return await updateItem(request);
          case 'DeleteItem':
            return await deleteItem(request);
          case 'Query':
            return await queryOrScan(request, callerId, 'Query');
          case 'Scan':
            return await queryOrScan(request, callerId, 'Scan');
          case 'BatchGetItem':
            return await batchGet(request);
          case 'BatchPutItem':
            return await batchWrite(request, 'put');
          case 'BatchDeleteItem':
            return await batchWrite(request, 'delete');
          case 'TransactGetItems':
            return await transactGet(request);
          case 'TransactWriteItems':
            return await transactWrite(request);
          default:
            throw new DynamoDBRequestError(`Unsupported operation ${JSON.stringify(request['operation'])}`);
        }
      } catch (err) {
        if (err instanceof DynamoDBRequestError || err instanceof TypedValueError || err instanceof SyntaxError) {
          return { result: null, error: { message: err.message, type: 'DynamoDB:ValidationException' } };
        }
        if (err instanceof InvalidNextTokenError) {
          return { result: null, error: { message: err.message, type: 'DynamoDB:ValidationException' } };
        }
        return { result: null, error: errorOf(err) };
      }
    },
  };
}
