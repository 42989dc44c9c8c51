/**
 * A mapping is created only when the function's execution role can read its
 * stream, as CreateEventSourceMapping decides: a role missing one of the
 * pollers' actions is refused with Lambda's message before anything is read
 * (kinesalite's stream is real; the handler never runs), and a role that has
 * them all gets a running mapping that delivers. The pollers then make every
 * call with the role: a role that loses kinesis:GetRecords while the mapping
 * runs gets nothing delivered and no checkpoint moved, the mapping stays
 * Enabled and reports the denial as its LastProcessingResult, and reading
 * resumes where it stopped once the role may read again; a role that may not
 * send to the OnFailure queue holds the shard until it may.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { memoryCheckpointStore } from '../../local/esm/checkpointStore.js';
import { PollerAccessDeniedError, StreamAccessError } from '../../local/esm/errors.js';
import { startEventSourceMapping, type RunningMapping } from '../../local/esm/eventSourceMapping.js';
import { failureQueue } from '../../local/esm/failureQueue.js';
import type { MappingEvent } from '../../local/esm/types.js';
import { checkExecutionRole, missingPollerPermissions, type ExecutionRole } from '../../local/esm/executionRole.js';
import { kinesisSource } from '../../local/esm/kinesisSource.js';
import { localKinesis } from '../../local/stack/clients.js';
import { createTestStream } from '../support/resources.js';
import { until } from '../support/eventually.js';
import { BASE_SETTINGS, FAST } from './support/harness.js';

let client: KinesisClient;
beforeAll(() => {
  client = localKinesis(inject('kinesisEndpoint'));
});
afterAll(() => {
  client.destroy();
});

/** A role that allows exactly `actions`, on `resources` (none: on any); `actions` is read at every call. */
const role = (actions: readonly string[], ...resources: string[]): ExecutionRole => {
  const allows = (action: string, on: string) =>
    actions.includes(action) && (resources.length === 0 || resources.includes(on));
  return { allows, denial: (action, on) => (allows(action, on) ? undefined : `denied: ${action} on ${on}`) };
};

/** The mapping's source on kinesalite, read as `functionName`'s role; its pollers call with `executionRole` if given. */
const sourceFor = (
  stream: { streamName: string; streamArn: string },
  functionName: string,
  executionRole?: ExecutionRole,
) =>
  kinesisSource({
    client,
    streamName: stream.streamName,
    streamArn: stream.streamArn,
    region: 'us-east-1',
    invokeIdentityArn: `arn:aws:iam::000000000000:role/${functionName}`,
    ...(executionRole ? { executionRole } : {}),
  });

const KINESIS_READ = [
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:ListShards',
];

describe("the function's execution role", () => {
  it('must allow every poller action on the stream (DynamoDB streams: ListStreams on any resource)', () => {
    const arn = 'arn:aws:kinesis:us-east-1:000000000000:stream/s';
    expect(missingPollerPermissions('kinesis', arn, role(KINESIS_READ, arn))).toEqual([]);
    expect(missingPollerPermissions('kinesis', arn, role(KINESIS_READ, `${arn}-other`))).toEqual(KINESIS_READ);
    expect(
      missingPollerPermissions(
        'kinesis',
        arn,
        role(
          KINESIS_READ.filter((a) => a !== 'kinesis:GetRecords'),
          arn,
        ),
      ),
    ).toEqual(['kinesis:GetRecords']);
    const table = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-12-07T00:00:00.000';
    const streamOnly = role(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'], table);
    expect(missingPollerPermissions('dynamodb', table, streamOnly)).toEqual(['dynamodb:ListStreams']);
    expect(() => checkExecutionRole('dynamodb', table, streamOnly)).toThrow(
      `Cannot access stream ${table}. Please ensure the role can perform the GetRecords, GetShardIterator, DescribeStream, ListShards, and ListStreams Actions on your stream in IAM.`,
    );
  });

  it('refuses to create a mapping whose role cannot read, before any read; delivers with one that can', async () => {
    const stream = await createTestStream(inject('kinesisEndpoint'), 1);
    const seen: unknown[] = [];
    const options = {
      id: 'role-check',
      functionName: 'roleCheck',
      handler: ((event: unknown) => {
        seen.push(event);
      }) as never,
      source: sourceFor(stream, 'roleCheck'),
      settings: { ...BASE_SETTINGS, batchSize: 10 },
      checkpoints: memoryCheckpointStore(),
      region: 'us-east-1',
      accountId: '000000000000',
      overrides: FAST,
    };
    const refused = startEventSourceMapping({
      ...options,
      executionRole: role(['kinesis:PutRecords', 'kinesis:DescribeStream'], stream.streamArn),
    });
    await expect(refused).rejects.toBeInstanceOf(StreamAccessError);
    await expect(refused).rejects.toMatchObject({
      code: 'InvalidParameterValueException',
      missing: KINESIS_READ.filter((a) => a !== 'kinesis:DescribeStream'),
    });

    const mapping = await startEventSourceMapping({ ...options, executionRole: role(KINESIS_READ, stream.streamArn) });
    try {
      await client.send(
        new PutRecordsCommand({
          StreamName: stream.streamName,
          Records: [{ PartitionKey: 'a', Data: Buffer.from('{"n":1}') }],
        }),
      );
      await until(() => seen.length > 0);
    } finally {
      await mapping.stop();
    }
  });
});

describe('every call of the pollers is made with the role', () => {
  const put = (streamName: string, n: number) =>
    client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: [{ PartitionKey: 'a', Data: Buffer.from(JSON.stringify({ n })) }],
      }),
    );
  const delivered = (events: unknown[]) =>
    events.flatMap((e) =>
      ((e as { Records?: Array<{ kinesis: { data: string } }> }).Records ?? []).map(
        (r) => (JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as { n: number }).n,
      ),
    );
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let mapping: RunningMapping | undefined;
  afterAll(async () => {
    await mapping?.stop();
  });

  it('a role that loses kinesis:GetRecords: nothing delivered, nothing checkpointed, Enabled with the problem; resumes when allowed again', async () => {
    const stream = await createTestStream(inject('kinesisEndpoint'), 1);
    const actions = [...KINESIS_READ];
    const executionRole = role(actions, stream.streamArn);
    const seen: unknown[] = [];
    const events: MappingEvent[] = [];
    const checkpoints = memoryCheckpointStore();
    mapping = await startEventSourceMapping({
      id: 'losing-role',
      functionName: 'losingRole',
      handler: ((event: unknown) => {
        seen.push(event);
      }) as never,
      source: sourceFor(stream, 'losingRole', executionRole),
      settings: { ...BASE_SETTINGS, batchSize: 10 },
      checkpoints,
      region: 'us-east-1',
      accountId: '000000000000',
      overrides: FAST,
      executionRole,
    });
    mapping.events.on('event', (e: MappingEvent) => events.push(e));
    expect(mapping.metrics()).toMatchObject({ state: 'Enabled', lastProcessingResult: 'No records processed' });
    await put(stream.streamName, 1);
    await until(() => delivered(seen).length === 1);
    await until(() => mapping!.metrics().lastProcessingResult === 'OK');
    const before = checkpoints.get('losing-role', 'shardId-000000000000');

    // The policy changes: GetRecords is no longer allowed. Once a read was denied, none allowed earlier is in flight.
    actions.splice(actions.indexOf('kinesis:GetRecords'), 1);
    await until(() => events.some((e) => e.type === 'readError' && e.error instanceof PollerAccessDeniedError));
    await put(stream.streamName, 2);
    await sleep(300);
    expect(delivered(seen)).toEqual([1]);
    expect(checkpoints.get('losing-role', 'shardId-000000000000')).toEqual(before);
    const denied = events.find((e) => e.type === 'readError');
    expect(denied?.type === 'readError' && denied.error).toMatchObject({
      code: 'AccessDeniedException',
      action: 'kinesis:GetRecords',
      resource: stream.streamArn,
      message: `denied: kinesis:GetRecords on ${stream.streamArn}`,
    });
    expect(mapping.metrics()).toMatchObject({
      state: 'Enabled',
      stateTransitionReason: 'User action',
      lastProcessingResult: `PROBLEM: AccessDeniedException: denied: kinesis:GetRecords on ${stream.streamArn}`,
    });

    // Allowed again: the withheld record arrives, once, and processing is OK again.
    actions.push('kinesis:GetRecords');
    await until(() => delivered(seen).length === 2);
    expect(delivered(seen)).toEqual([1, 2]);
    await until(() => mapping!.metrics().lastProcessingResult === 'OK');
    await mapping.stop();
    mapping = undefined;
  });

  it('a role that may not send to the OnFailure queue holds the shard, then sends the metadata once it may', async () => {
    const stream = await createTestStream(inject('kinesisEndpoint'), 1);
    const queueArn = 'arn:aws:sqs:us-east-1:000000000000:losing-role-dead-letters';
    const actions = [...KINESIS_READ];
    const executionRole = role(actions, stream.streamArn, queueArn);
    const deadLetters = failureQueue('losing-role-dead-letters', undefined, queueArn);
    const events: MappingEvent[] = [];
    const checkpoints = memoryCheckpointStore();
    let calls = 0;
    mapping = await startEventSourceMapping({
      id: 'no-send',
      functionName: 'noSend',
      handler: (() => {
        calls += 1;
        throw new Error('poison');
      }) as never,
      source: sourceFor(stream, 'noSend', executionRole),
      settings: { ...BASE_SETTINGS, batchSize: 10, maximumRetryAttempts: 0 },
      checkpoints,
      onFailure: deadLetters,
      region: 'us-east-1',
      accountId: '000000000000',
      // Sends are retried after retryDelayMs: not a busy loop.
      overrides: { ...FAST, retryDelayMs: 20 },
      executionRole,
    });
    mapping.events.on('event', (e: MappingEvent) => events.push(e));
    await put(stream.streamName, 1);
    await until(() => events.some((e) => e.type === 'destinationError'));
    await sleep(200);
    expect(calls).toBe(1);
    expect(deadLetters.messages()).toEqual([]);
    expect(checkpoints.get('no-send', 'shardId-000000000000')).toBeUndefined();
    expect(mapping.metrics().lastProcessingResult).toBe(
      `PROBLEM: AccessDeniedException: denied: sqs:SendMessage on ${queueArn}`,
    );

    actions.push('sqs:SendMessage');
    await until(() => deadLetters.messages().length === 1);
    expect(deadLetters.messages()[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
      KinesisBatchInfo: { batchSize: 1, streamArn: stream.streamArn },
    });
    await until(() => checkpoints.get('no-send', 'shardId-000000000000') !== undefined);
    expect(calls).toBe(1);
    await mapping.stop();
    mapping = undefined;
  });
});
