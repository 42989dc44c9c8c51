import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { memoryCheckpointStore } from '../../local/esm/checkpointStore.js';
import { dynamoDbSource } from '../../local/esm/dynamodbSource.js';
import { startEventSourceMapping, type RunningMapping } from '../../local/esm/eventSourceMapping.js';
import { failureQueue } from '../../local/esm/failureQueue.js';
import { PollerAccessDeniedError } from '../../local/esm/errors.js';
import type { ExecutionRole } from '../../local/esm/executionRole.js';
import type { MappingEvent } from '../../local/esm/types.js';
import { localDynamoDb } from '../../local/stack/clients.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../../local/credentials.js';
import { mappingSettingsFor } from '../../local/stack/stackMappings.js';
import { createTestTable } from '../support/resources.js';
import { until } from '../support/eventually.js';
import { FAST } from './support/harness.js';

let ddb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let mapping: RunningMapping | undefined;

beforeAll(() => {
  ddb = localDynamoDb(inject('dynamodbEndpoint'));
  streams = new DynamoDBStreamsClient({
    endpoint: inject('dynamodbEndpoint'),
    region: LOCAL_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
});
afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
});
afterAll(() => {
  ddb.destroy();
  streams.destroy();
});

type DdbRecord = {
  eventName: string;
  eventSource: string;
  eventID: string;
  eventVersion: string;
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: {
    Keys: Record<string, { S: string }>;
    NewImage?: Record<string, unknown>;
    OldImage?: Record<string, unknown>;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: string;
    ApproximateCreationDateTime: number;
  };
};

describe('event-source mapping on DynamoDB Local streams', () => {
  it('delivers only what the all-time filter lets through (inserted and modified RESULT# items), shaped as Lambda delivers stream records', async () => {
    const table = await createTestTable(inject('dynamodbEndpoint'));
    const seen: DdbRecord[] = [];
    mapping = await startEventSourceMapping({
      id: 'allTime',
      functionName: 'allTime',
      handler: ((event: { Records: DdbRecord[] }) => {
        seen.push(...event.Records);
      }) as never,
      source: dynamoDbSource({ client: streams, streamArn: table.streamArn, region: LOCAL_REGION }),
      settings: mappingSettingsFor('allTime', 10),
      checkpoints: memoryCheckpointStore(),
      onFailure: failureQueue('allTime-dlq'),
      region: LOCAL_REGION,
      accountId: '000000000000',
      overrides: { ...FAST, maxBatchingWindowMs: 0 },
    });
    const put = (pk: string, sk: string, extra: Record<string, { S: string } | { N: string }> = {}) =>
      ddb.send(new PutItemCommand({ TableName: table.tableName, Item: { PK: { S: pk }, SK: { S: sk }, ...extra } }));
    await put('RACE#1', 'RESULT#0001#r1', { output: { N: '250' } });
    await put('RACE#1', 'LIVE#shard-0');
    await ddb.send(
      new UpdateItemCommand({
        TableName: table.tableName,
        Key: { PK: { S: 'RACE#1' }, SK: { S: 'RESULT#0001#r1' } },
        UpdateExpression: 'SET #o = :o',
        ExpressionAttributeNames: { '#o': 'output' },
        ExpressionAttributeValues: { ':o': { N: '260' } },
      }),
    );
    await put('RACE#1', 'RESULT#0002#r2', { output: { N: '240' }, bin: { S: 'x' } });
    await until(() => seen.length === 3, 15_000);
    await until(() => (mapping?.metrics().shards.reduce((n, s) => n + s.recordsFiltered, 0) ?? 0) === 1, 5000);
    expect(seen.map((r) => [r.eventName, r.dynamodb.Keys.SK?.S])).toEqual([
      ['INSERT', 'RESULT#0001#r1'],
      ['MODIFY', 'RESULT#0001#r1'],
      ['INSERT', 'RESULT#0002#r2'],
    ]);
    expect(seen[1]?.dynamodb).toMatchObject({ OldImage: { output: { N: '250' } }, NewImage: { output: { N: '260' } } });
    const r = seen[0] as DdbRecord;
    expect(r).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      awsRegion: LOCAL_REGION,
      eventSourceARN: table.streamArn,
      dynamodb: {
        Keys: { PK: { S: 'RACE#1' }, SK: { S: 'RESULT#0001#r1' } },
        NewImage: { PK: { S: 'RACE#1' }, SK: { S: 'RESULT#0001#r1' }, output: { N: '250' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(typeof r.eventID).toBe('string');
    expect(typeof r.dynamodb.SequenceNumber).toBe('string');
    expect(r.dynamodb.SizeBytes).toBeGreaterThan(0);
    // Epoch seconds, as Lambda delivers it (the SDK's Date is converted back).
    expect(Math.abs(r.dynamodb.ApproximateCreationDateTime - Date.now() / 1000)).toBeLessThan(120);
  });

  it('retries from the lowest failed SequenceNumber and, out of retries, sends DDBStreamBatchInfo to the OnFailure queue', async () => {
    const table = await createTestTable(inject('dynamodbEndpoint'));
    const calls: string[][] = [];
    const seqOf = new Map<string, string>();
    const dlq = failureQueue('dlq');
    // Written before the mapping starts (TRIM_HORIZON): the first batch is exactly A, B, C.
    for (const sk of ['A', 'B', 'C']) {
      await ddb.send(new PutItemCommand({ TableName: table.tableName, Item: { PK: { S: 'P' }, SK: { S: sk } } }));
    }
    mapping = await startEventSourceMapping({
      id: 'partial',
      functionName: 'partial',
      handler: ((event: { Records: DdbRecord[] }) => {
        const sks = event.Records.map((r) => r.dynamodb.Keys.SK?.S ?? '');
        for (const r of event.Records) seqOf.set(r.dynamodb.Keys.SK?.S ?? '', r.dynamodb.SequenceNumber);
        calls.push(sks);
        const poison = event.Records.find((r) => r.dynamodb.Keys.SK?.S === 'B');
        return { batchItemFailures: poison ? [{ itemIdentifier: poison.dynamodb.SequenceNumber }] : [] };
      }) as never,
      source: dynamoDbSource({ client: streams, streamArn: table.streamArn, region: LOCAL_REGION }),
      settings: {
        ...mappingSettingsFor('allTime', 10),
        filterCriteria: undefined,
        maximumRetryAttempts: 1,
        maximumBatchingWindowInSeconds: 0,
      },
      checkpoints: memoryCheckpointStore(),
      onFailure: dlq,
      region: LOCAL_REGION,
      accountId: '000000000000',
      overrides: { ...FAST, maxBatchingWindowMs: 0 },
    });
    await until(() => dlq.messages().length === 1, 15_000);
    // A is checkpointed and never delivered again; the retry starts at B; out of retries, B..C are discarded.
    expect(calls).toEqual([
      ['A', 'B', 'C'],
      ['B', 'C'],
    ]);
    const info = dlq.messages()[0]?.DDBStreamBatchInfo;
    expect(info).toMatchObject({
      streamArn: table.streamArn,
      startSequenceNumber: seqOf.get('B'),
      endSequenceNumber: seqOf.get('C'),
      batchSize: 2,
      approximateArrivalOfFirstRecord: expect.stringMatching(/Z$/),
    });
    expect(dlq.messages()[0]?.KinesisBatchInfo).toBeUndefined();
    expect(dlq.messages()[0]?.requestContext.condition).toBe('RetryAttemptsExhausted');
  });
  it("reads with the function's role at every call: a role that loses dynamodb:GetRecords gets nothing until it may read again", async () => {
    const table = await createTestTable(inject('dynamodbEndpoint'));
    const allowed = new Set([
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ]);
    const executionRole: ExecutionRole = {
      allows: (action, on) => allowed.has(action) && (on === table.streamArn || on === '*'),
      denial: (action, on) =>
        allowed.has(action) && (on === table.streamArn || on === '*') ? undefined : `denied: ${action} on ${on}`,
    };
    const seen: DdbRecord[] = [];
    const readErrors: Error[] = [];
    mapping = await startEventSourceMapping({
      id: 'allTime-role',
      functionName: 'allTime',
      handler: ((event: { Records: DdbRecord[] }) => {
        seen.push(...event.Records);
      }) as never,
      source: dynamoDbSource({ client: streams, streamArn: table.streamArn, region: LOCAL_REGION, executionRole }),
      settings: mappingSettingsFor('allTime', 10),
      checkpoints: memoryCheckpointStore(),
      region: LOCAL_REGION,
      accountId: '000000000000',
      overrides: { ...FAST, maxBatchingWindowMs: 0 },
      executionRole,
    });
    mapping.events.on('event', (e: MappingEvent) => {
      if (e.type === 'readError') readErrors.push(e.error);
    });
    const put = (sk: string) =>
      ddb.send(
        new PutItemCommand({
          TableName: table.tableName,
          Item: { PK: { S: 'RACE#2' }, SK: { S: sk }, output: { N: '1' } },
        }),
      );
    await put('RESULT#0001#r1');
    await until(() => seen.length === 1);

    // Once a read was denied, none allowed earlier is in flight.
    allowed.delete('dynamodb:GetRecords');
    await until(() => readErrors.some((e) => e instanceof PollerAccessDeniedError));
    await put('RESULT#0001#r2');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((r) => r.dynamodb.Keys.SK?.S)).toEqual(['RESULT#0001#r1']);
    expect(mapping.metrics().lastProcessingResult).toBe(
      `PROBLEM: AccessDeniedException: denied: dynamodb:GetRecords on ${table.streamArn}`,
    );

    allowed.add('dynamodb:GetRecords');
    await until(() => seen.length === 2);
    expect(seen.map((r) => r.dynamodb.Keys.SK?.S)).toEqual(['RESULT#0001#r1', 'RESULT#0001#r2']);
  });
});
