/**
 * The `@aws-appsync/utils/dynamodb` module [DOC built-in-modules-js, TYPES]:
 * request-object builders taking plain values. Output shapes match EvaluateCode
 * [EVAL], e.g. `get({key:{id:"id"}})` is `{"operation":"GetItem","key":{"id":{"S":"id"}}}`
 * and `update({key, update:{age: operations.increment(10)}})` produces
 * `SET #expName_1 = #expName_1 + :expValue_1`. `sync` does not exist in
 * AppSync's runtime [EVAL], so it is not exported here either.
 */
import { buildFilterExpression, buildKeyCondition, buildProjection, type DynamoDBExpression } from './expressions.js';
import { markTypedSet, marshalMap, toDynamoDB, type TypedValue } from './typedValues.js';
import { isRecord } from '../../../lib/isRecord.js';

type Obj = Record<string, unknown>;

function asObject(value: unknown, what: string): Obj {
  if (!isRecord(value)) throw new TypeError(`${what} must be an object`);
  return value;
}

/** Operation objects as AppSync returns them (`type`, not the d.ts's `_type`) [EVAL]. */
export const operations = {
  add: (value: unknown) => ({ type: 'OPERATION_ADD', value }),
  remove: () => ({ type: 'OPERATION_REMOVE' }),
  replace: (value: unknown) => ({ type: 'OPERATION_REPLACE', value }),
  increment: (by?: number) => ({ type: 'OPERATION_INCREMENT', by: by ?? 1 }),
  decrement: (by?: number) => ({ type: 'OPERATION_DECREMENT', by: by ?? 1 }),
  append: (items: unknown) => ({ type: 'OPERATION_APPEND', items }),
  prepend: (items: unknown) => ({ type: 'OPERATION_PREPEND', items }),
  updateListItem: (value: unknown, index: number) => ({ type: 'OPERATION_UPDATE_LIST_ITEM', value, index }),
};

function isOperation(value: unknown): value is Obj & { type: string } {
  return isRecord(value) && typeof value['type'] === 'string' && value['type'].startsWith('OPERATION_');
}

/** Builds an update expression from an update object (nested objects are walked [DOC]). */
export function buildUpdateExpression(update: Obj): DynamoDBExpression {
  const names: Record<string, string> = {};
  const values: Record<string, TypedValue> = {};
  const set: string[] = [];
  const remove: string[] = [];
  let nameCount = 0;
  let valueCount = 0;
  const name = (attr: string): string => {
    nameCount += 1;
    const p = `#expName_${nameCount}`;
    names[p] = attr;
    return p;
  };
  const value = (v: unknown): string => {
    valueCount += 1;
    const p = `:expValue_${valueCount}`;
    values[p] = toDynamoDB(v) ?? { NULL: null };
    return p;
  };
  const walk = (obj: Obj, prefix: string): void => {
    for (const [attr, v] of Object.entries(obj)) {
      if (v === undefined) continue;
      const path = prefix ? `${prefix}.${name(attr)}` : name(attr);
      if (isOperation(v)) {
        switch (v.type) {
          case 'OPERATION_ADD':
          case 'OPERATION_REPLACE':
            set.push(`${path} = ${value(v['value'])}`);
            break;
          case 'OPERATION_REMOVE':
            remove.push(path);
            break;
          case 'OPERATION_INCREMENT':
            set.push(`${path} = ${path} + ${value(v['by'])}`);
            break;
          case 'OPERATION_DECREMENT':
            set.push(`${path} = ${path} - ${value(v['by'])}`);
            break;
          case 'OPERATION_APPEND':
            set.push(`${path} = list_append(${path}, ${value(v['items'])})`);
            break;
          case 'OPERATION_PREPEND':
            set.push(`${path} = list_append(${value(v['items'])}, ${path})`);
            break;
          case 'OPERATION_UPDATE_LIST_ITEM':
            set.push(`${path}[${Number(v['index'])}] = ${value(v['value'])}`);
            break;
          default:
            throw new TypeError(`unknown update operation ${v.type}`);
        }
      } else if (isRecord(v)) {
        walk(v, path);
      } else {
        set.push(`${path} = ${value(v)}`);
      }
    }
  };
  walk(update, '');
  const clauses: string[] = [];
  if (set.length > 0) clauses.push(`SET ${set.join(', ')}`);
  if (remove.length > 0) clauses.push(`REMOVE ${remove.join(', ')}`);
  return { expression: clauses.join(' '), expressionNames: names, expressionValues: values };
}

function conditionOf(input: Obj): Obj {
  const c = input['condition'];
  return isRecord(c) ? { condition: buildFilterExpression(c) } : {};
}

function commonWriteFields(input: Obj): Obj {
  const out: Obj = {};
  for (const k of ['customPartitionKey', 'populateIndexFields', '_version'])
    if (input[k] !== undefined) out[k] = input[k];
  return out;
}

function projectionOf(input: Obj): Obj {
  const p = input['projection'];
  return Array.isArray(p) && p.length > 0 ? { projection: buildProjection(p.map(String)) } : {};
}

function readFields(input: Obj, fields: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of fields) if (input[k] !== undefined && input[k] !== null) out[k] = input[k];
  return out;
}

/** Attributes of the item that are not key attributes (AppSync drops key attributes from attributeValues [DOC]). */
function itemWithoutKey(item: Obj, key: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(item)) if (!Object.hasOwn(key, k)) out[k] = v;
  return out;
}

export function get(payload: unknown): Obj {
  const p = asObject(payload, 'get input');
  return {
    operation: 'GetItem',
    key: marshalMap(asObject(p['key'], 'key')),
    ...readFields(p, ['consistentRead']),
    ...projectionOf(p),
  };
}

export function put(payload: unknown): Obj {
  const p = asObject(payload, 'put input');
  const key = asObject(p['key'], 'key');
  return {
    operation: 'PutItem',
    key: marshalMap(key),
    attributeValues: marshalMap(itemWithoutKey(asObject(p['item'] ?? {}, 'item'), key)),
    ...conditionOf(p),
    ...commonWriteFields(p),
  };
}

export function remove(payload: unknown): Obj {
  const p = asObject(payload, 'remove input');
  return {
    operation: 'DeleteItem',
    key: marshalMap(asObject(p['key'], 'key')),
    ...conditionOf(p),
    ...commonWriteFields(p),
  };
}

export function update(payload: unknown): Obj {
  const p = asObject(payload, 'update input');
  return {
    operation: 'UpdateItem',
    key: marshalMap(asObject(p['key'], 'key')),
    update: buildUpdateExpression(asObject(p['update'], 'update')),
    ...conditionOf(p),
    ...commonWriteFields(p),
  };
}

const READ_FIELDS = [
  'index',
  'limit',
  'nextToken',
  'scanIndexForward',
  'consistentRead',
  'totalSegments',
  'segment',
  'select',
] as const;

export function scan(payload: unknown): Obj {
  const p = asObject(payload ?? {}, 'scan input');
  const filter = isRecord(p['filter']) ? { filter: buildFilterExpression(p['filter']) } : {};
  return { operation: 'Scan', ...readFields(p, READ_FIELDS), ...filter, ...projectionOf(p) };
}

export function query(payload: unknown): Obj {
  const p = asObject(payload, 'query input');
  const filter = isRecord(p['filter']) ? { filter: buildFilterExpression(p['filter']) } : {};
  return {
    operation: 'Query',
    query: buildKeyCondition(asObject(p['query'], 'query')),
    ...readFields(p, READ_FIELDS),
    ...filter,
    ...projectionOf(p),
  };
}

function tablesOf(p: Obj): Obj {
  return asObject(p['tables'], 'tables');
}

export function batchGet(payload: unknown): Obj {
  const tables: Obj = {};
  for (const [table, spec] of Object.entries(tablesOf(asObject(payload, 'batchGet input')))) {
    const s = asObject(spec, `tables.${table}`);
    const keys = Array.isArray(s['keys']) ? s['keys'] : [];
    tables[table] = {
      keys: keys.map((k) => marshalMap(asObject(k, 'key'))),
      ...readFields(s, ['consistentRead']),
      ...projectionOf(s),
    };
  }
  return { operation: 'BatchGetItem', tables };
}

function batchOf(operation: string, payload: unknown): Obj {
  const tables: Obj = {};
  for (const [table, list] of Object.entries(tablesOf(asObject(payload, `${operation} input`)))) {
    tables[table] = (Array.isArray(list) ? list : []).map((x) => marshalMap(asObject(x, 'item')));
  }
  return { operation, tables };
}

export const batchPut = (payload: unknown): Obj => batchOf('BatchPutItem', payload);
export const batchDelete = (payload: unknown): Obj => batchOf('BatchDeleteItem', payload);

export function transactGet(payload: unknown): Obj {
  const items = asObject(payload, 'transactGet input')['items'];
  return {
    operation: 'TransactGetItems',
    transactItems: (Array.isArray(items) ? items : []).map((raw) => {
      const i = asObject(raw, 'item');
      return { table: i['table'], key: marshalMap(asObject(i['key'], 'key')), ...projectionOf(i) };
    }),
  };
}

export function transactWrite(payload: unknown): Obj {
  const items = asObject(payload, 'transactWrite input')['items'];
  return {
    operation: 'TransactWriteItems',
    transactItems: (Array.isArray(items) ? items : []).map((raw) => {
      const i = asObject(raw, 'item');
      if (isRecord(i['putItem'])) {
        const p = i['putItem'];
        const key = asObject(p['key'], 'key');
        return {
          table: p['table'],
          operation: 'PutItem',
          key: marshalMap(key),
          attributeValues: marshalMap(itemWithoutKey(asObject(p['item'] ?? {}, 'item'), key)),
          ...conditionOf(p),
        };
      }
      if (isRecord(i['updateItem'])) {
        const p = i['updateItem'];
        return {
          table: p['table'],
          operation: 'UpdateItem',
          key: marshalMap(asObject(p['key'], 'key')),
          update: buildUpdateExpression(asObject(p['update'], 'update')),
          ...conditionOf(p),
        };
      }
      if (isRecord(i['deleteItem'])) {
        const p = i['deleteItem'];
        return {
          table: p['table'],
          operation: 'DeleteItem',
          key: marshalMap(asObject(p['key'], 'key')),
          ...conditionOf(p),
        };
      }
      if (isRecord(i['conditionCheck'])) {
        const p = i['conditionCheck'];
        return {
          table: p['table'],
          operation: 'ConditionCheck',
          key: marshalMap(asObject(p['key'], 'key')),
          ...conditionOf(p),
        };
      }
      throw new TypeError('transactWrite items need putItem, updateItem, deleteItem or conditionCheck');
    }),
  };
}

const set = (type: 'SS' | 'NS' | 'BS') => (list: unknown) =>
  markTypedSet({ [type]: Array.isArray(list) ? [...list] : [list] });

/** Typed sets for items (a plain array would be a list `L`). */
export const toStringSet = set('SS');
export const toNumberSet = set('NS');
export const toBinarySet = set('BS');

/** The module object resolver code imports. */
export function createDynamoDbModule(): Record<string, unknown> {
  const mod: Record<string, unknown> = {
    get,
    put,
    remove,
    update,
    query,
    scan,
    batchGet,
    batchPut,
    batchDelete,
    transactGet,
    transactWrite,
    operations,
    toStringSet,
    toNumberSet,
    toBinarySet,
  };
  return { ...mod, default: mod };
}
