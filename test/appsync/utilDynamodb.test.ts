// Every util.dynamodb / dynamodb-module output as AppSync's documentation shows it, run in the sandbox.
import { describe, expect, it } from 'vitest';
import { evalInSandbox } from './evalHelpers.js';

describe('util.dynamodb [EVAL]', () => {
  it.each([
    ['util.dynamodb.toDynamoDB("test")', { S: 'test' }],
    ['util.dynamodb.toDynamoDB(12345)', { N: 12345 }],
    ['util.dynamodb.toDynamoDB(true)', { BOOL: true }],
    [
      'util.dynamodb.toDynamoDB({foo:"bar",baz:1234,beep:["boop"]})',
      { M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } } },
    ],
    ['util.dynamodb.toString("test")', { S: 'test' }],
    ['util.dynamodb.toStringSet(["foo","bar","baz"])', { SS: ['foo', 'bar', 'baz'] }],
    ['util.dynamodb.toNumber(12345)', { N: 12345 }],
    ['util.dynamodb.toNumberSet([1,23,4.56])', { NS: [1, 23, 4.56] }],
    ['util.dynamodb.toBinary("foo")', { B: 'foo' }],
    ['util.dynamodb.toBinarySet(["foo","bar","baz"])', { BS: ['foo', 'bar', 'baz'] }],
    ['util.dynamodb.toBoolean(true)', { BOOL: true }],
    ['util.dynamodb.toNull()', { NULL: null }],
    ['util.dynamodb.toList(["foo",123,{bar:"baz"}])', { L: [{ S: 'foo' }, { N: 123 }, { M: { bar: { S: 'baz' } } }] }],
    [
      'util.dynamodb.toMap({foo:"bar",baz:1234,beep:["boop"]})',
      { M: { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } } },
    ],
    [
      'util.dynamodb.toMapValues({foo:"bar",baz:1234,beep:["boop"]})',
      { foo: { S: 'bar' }, baz: { N: 1234 }, beep: { L: [{ S: 'boop' }] } },
    ],
    ['util.dynamodb.toS3Object("foo","bar","baz")', { S: '{"s3":{"key":"foo","bucket":"bar","region":"baz"}}' }],
    [
      'util.dynamodb.toS3Object("foo","bar","baz","beep")',
      { S: '{"s3":{"key":"foo","bucket":"bar","region":"baz","version":"beep"}}' },
    ],
  ])('%s', (expression, expected) => {
    expect(evalInSandbox(expression)).toEqual(expected);
  });

  it('numbers in typed values are JSON numbers, not strings', () => {
    expect(JSON.stringify(evalInSandbox('util.dynamodb.toDynamoDB(12345)'))).toBe('{"N":12345}');
  });

  it('null input to a to* helper gives null', () => {
    expect(evalInSandbox('util.dynamodb.toString(null)')).toBeNull();
  });

  it('fromS3ObjectJson reads the s3 object back', () => {
    expect(evalInSandbox('util.dynamodb.fromS3ObjectJson(util.dynamodb.toS3Object("k","b","r").S)')).toEqual({
      key: 'k',
      bucket: 'b',
      region: 'r',
    });
  });
});

describe('@aws-appsync/utils/dynamodb module [EVAL]', () => {
  it('get', () => {
    expect(JSON.stringify(evalInSandbox('ddb.get({ key: { id: "id" } })'))).toBe(
      '{"operation":"GetItem","key":{"id":{"S":"id"}}}',
    );
  });
  it('put', () => {
    expect(JSON.stringify(evalInSandbox('ddb.put({ key: { id: "abc" }, item: { value: 10 } })'))).toBe(
      '{"operation":"PutItem","key":{"id":{"S":"abc"}},"attributeValues":{"value":{"N":10}}}',
    );
  });
  it('put drops key attributes from attributeValues', () => {
    expect(evalInSandbox('ddb.put({ key: { id: "abc" }, item: { id: "abc", value: 10 } })')).toEqual({
      operation: 'PutItem',
      key: { id: { S: 'abc' } },
      attributeValues: { value: { N: 10 } },
    });
  });
  it('remove', () => {
    expect(JSON.stringify(evalInSandbox('ddb.remove({ key: { id: "test" } })'))).toBe(
      '{"operation":"DeleteItem","key":{"id":{"S":"test"}}}',
    );
  });
  it('scan', () => {
    expect(JSON.stringify(evalInSandbox('ddb.scan({ limit: 10, nextToken: "abc" })'))).toBe(
      '{"operation":"Scan","limit":10,"nextToken":"abc"}',
    );
  });
  it('update with increment', () => {
    expect(
      JSON.stringify(evalInSandbox('ddb.update({ key:{id:"test"}, update:{ age: ddb.operations.increment(10) } })')),
    ).toBe(
      '{"operation":"UpdateItem","key":{"id":{"S":"test"}},"update":{"expression":"SET #expName_1 = #expName_1 + :expValue_1","expressionNames":{"#expName_1":"age"},"expressionValues":{":expValue_1":{"N":10}}}}',
    );
  });
  it('update with plain values joins SET clauses, null as NULL', () => {
    expect(evalInSandbox('ddb.update({ key:{id:"t"}, update:{ a: 1, b: null } }).update')).toEqual({
      expression: 'SET #expName_1 = :expValue_1, #expName_2 = :expValue_2',
      expressionNames: { '#expName_1': 'a', '#expName_2': 'b' },
      expressionValues: { ':expValue_1': { N: 1 }, ':expValue_2': { NULL: null } },
    });
  });
  it('add and replace are SET (not DynamoDB ADD); decrement, append, prepend', () => {
    const u = evalInSandbox(
      'ddb.update({ key:{id:"t"}, update:{ a: ddb.operations.add(1), b: ddb.operations.replace("x"), c: ddb.operations.decrement(2), d: ddb.operations.append([1]), e: ddb.operations.prepend([0]) } }).update.expression',
    );
    expect(u).toBe(
      'SET #expName_1 = :expValue_1, #expName_2 = :expValue_2, #expName_3 = #expName_3 - :expValue_3, #expName_4 = list_append(#expName_4, :expValue_4), #expName_5 = list_append(:expValue_5, #expName_5)',
    );
  });
  it.each([
    ['ddb.operations.add(1)', { type: 'OPERATION_ADD', value: 1 }],
    ['ddb.operations.replace(1)', { type: 'OPERATION_REPLACE', value: 1 }],
    ['ddb.operations.increment(3)', { type: 'OPERATION_INCREMENT', by: 3 }],
    ['ddb.operations.decrement(3)', { type: 'OPERATION_DECREMENT', by: 3 }],
    ['ddb.operations.append([1])', { type: 'OPERATION_APPEND', items: [1] }],
    ['ddb.operations.prepend([1])', { type: 'OPERATION_PREPEND', items: [1] }],
  ])('operation object %s', (expression, expected) => {
    expect(evalInSandbox(expression)).toEqual(expected);
  });
  it('has no sync export (absent in the AppSync runtime)', () => {
    expect(evalInSandbox('typeof ddb.sync')).toBe('undefined');
  });
});

describe('util.transform [EVAL]', () => {
  it('toDynamoDBFilterExpression returns a JSON string', () => {
    expect(evalInSandbox('util.transform.toDynamoDBFilterExpression({title:{contains:"Hello World"}})')).toBe(
      '{"expression":"(contains(#title,:title_contains))","expressionNames":{"#title":"title"},"expressionValues":{":title_contains":{"S":"Hello World"}}}',
    );
  });
  it('toDynamoDBConditionExpression', () => {
    const text = evalInSandbox(
      'util.transform.toDynamoDBConditionExpression({id:{attributeExists:true}, version:{eq:10}})',
    );
    expect(typeof text).toBe('string');
    expect(JSON.parse(text as string)).toEqual({
      expression: '(attribute_exists(#id)) AND (#version = :version_eq)',
      expressionNames: { '#id': 'id', '#version': 'version' },
      expressionValues: { ':version_eq': { N: 10 } },
    });
  });
  it('toSubscriptionFilter expands and/or into a cross product (documented example)', () => {
    const out = evalInSandbox(
      'util.transform.toSubscriptionFilter({percentageUp:{lte:50,gte:20}, and:[{title:{ne:"Book1"}},{downvotes:{gt:2000}}], or:[{author:{eq:"Admin"}},{isPublished:{eq:false}}]})',
    ) as { filterGroup: Array<{ filters: Array<{ fieldName: string; operator: string }> }> };
    // percentageUp has two operators (OR) and `or` two branches: 2 × 2 groups.
    expect(out.filterGroup).toHaveLength(4);
    for (const g of out.filterGroup) {
      const names = g.filters.map((f) => f.fieldName);
      expect(names).toEqual(expect.arrayContaining(['percentageUp', 'title', 'downvotes']));
      expect(names.includes('author') || names.includes('isPublished')).toBe(true);
    }
    expect(out.filterGroup[0]?.filters[0]).toEqual({ fieldName: 'percentageUp', operator: 'le', value: 50 });
  });
  it('toSubscriptionFilter drops ignored fields', () => {
    expect(evalInSandbox('util.transform.toSubscriptionFilter({a:{eq:1}, b:{eq:2}}, ["b"])')).toEqual({
      filterGroup: [{ filters: [{ fieldName: 'a', operator: 'eq', value: 1 }] }],
    });
  });
});
