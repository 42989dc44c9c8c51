/**
 * A mapping is created only when the function's execution role can read its
 * stream, as CreateEventSourceMapping decides: a role missing one of the
 * pollers' actions is refused with Lambda's message before anything is read
 * (kinesalite's stream is real; the handler never runs), and a role that has
 * them all gets a running mapping that delivers.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { memoryCheckpointStore } from '../../local/esm/checkpointStore.js';
import { StreamAccessError } from '../../local/esm/errors.js';
import { startEventSourceMapping } from '../../local/esm/eventSourceMapping.js';
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

/** A role that allows exactly `actions`, on `resource` ('*' for any). */
const role = (actions: readonly string[], resource = '*'): ExecutionRole => ({
  allows: (action, on) => actions.includes(action) && (resource === '*' || on === resource),
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
    const streamOnly: ExecutionRole = {
      allows: (action, on) =>
        on === table &&
        ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'].includes(action),
    };
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
      source: kinesisSource({
        client,
        streamName: stream.streamName,
        streamArn: stream.streamArn,
        region: 'us-east-1',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/roleCheck',
      }),
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
