import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Context } from 'aws-lambda';
import { fileCheckpointStore, memoryCheckpointStore } from '../../local/esm/checkpointStore.js';
import { startEventSourceMapping, type RunningMapping } from '../../local/esm/eventSourceMapping.js';
import { failureQueue } from '../../local/esm/failureQueue.js';
import { kinesisSource } from '../../local/esm/kinesisSource.js';
import { kinesisJsonClient } from '../../local/esm/kinesisJsonClient.js';
import { memoryCheckpointStore as memoryStore } from '../../local/esm/checkpointStore.js';
import { localKinesis } from '../../local/stack/clients.js';
import { createTestStream } from '../support/resources.js';
import { until } from '../support/eventually.js';
import { BASE_SETTINGS, FAST } from './support/harness.js';
import type { EventSourceMappingSettings } from '../../local/esm/mappingSettings.js';

let client: KinesisClient;
let mapping: RunningMapping | undefined;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'esm-kinesis-'));

beforeAll(() => {
  client = localKinesis(inject('kinesisEndpoint'));
});
afterEach(async () => {
  await mapping?.stop();
  mapping = undefined;
});
afterAll(() => {
  client.destroy();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Seen {
  event: {
    Records: Array<{ eventID: string; kinesis: { data: string; partitionKey: string; sequenceNumber: string } }>;
  };
  context: Context;
}

async function put(streamName: string, values: Array<{ key: string; value: unknown }>): Promise<void> {
  const out = await client.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: values.map((v) => ({ PartitionKey: v.key, Data: Buffer.from(JSON.stringify(v.value)) })),
    }),
  );
  expect(out.FailedRecordCount ?? 0).toBe(0);
}

function decode(seen: Seen[]): Array<{ shard: string; value: { k: string; n: number } }> {
  return seen.flatMap((s) =>
    s.event.Records.map((r) => ({
      shard: r.eventID.split(':')[0] as string,
      value: JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as { k: string; n: number },
    })),
  );
}

async function start(
  stream: { streamName: string; streamArn: string },
  handler: (event: Seen['event'], context: Context) => unknown,
  opts: {
    settings?: Partial<EventSourceMappingSettings>;
    checkpointFile?: string;
    dlqFile?: string;
    timeoutSeconds?: number;
  } = {},
): Promise<RunningMapping> {
  return startEventSourceMapping({
    id: 'test',
    functionName: 'testFunction',
    handler: handler as never,
    source: kinesisSource({
      client,
      streamName: stream.streamName,
      streamArn: stream.streamArn,
      region: 'us-east-1',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/testFunction',
    }),
    settings: { ...BASE_SETTINGS, batchSize: 100, ...opts.settings },
    checkpoints: opts.checkpointFile ? fileCheckpointStore(opts.checkpointFile) : memoryCheckpointStore(),
    onFailure: failureQueue('test-dlq', opts.dlqFile),
    region: 'us-east-1',
    accountId: '000000000000',
    ...(opts.timeoutSeconds ? { timeoutSeconds: opts.timeoutSeconds } : {}),
    overrides: FAST,
  });
}

describe('event-source mapping on kinesalite', () => {
  it('delivers every record, in order per partition key, with Lambda-shaped records and a Lambda-like context', async () => {
    const stream = await createTestStream(inject('kinesisEndpoint'), 2);
    const seen: Seen[] = [];
    mapping = await start(stream, (event, context) => {
      seen.push({ event, context });
    });
    const values = Array.from({ length: 60 }, (_, n) => ({ key: `racer-${n % 6}`, value: { k: `racer-${n % 6}`, n } }));
    await put(stream.streamName, values);
    await until(() => decode(seen).length === 60);
    const got = decode(seen);
    for (let k = 0; k < 6; k += 1) {
      const ns = got.filter((g) => g.value.k === `racer-${k}`).map((g) => g.value.n);
      expect(ns).toEqual(values.filter((v) => v.key === `racer-${k}`).map((v) => (v.value as { n: number }).n));
    }
    // Records of one key all come from one shard, and both shards were polled.
    expect(new Set(got.map((g) => g.shard)).size).toBe(2);
    const record = seen[0]?.event.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventName: 'aws:kinesis:record',
      awsRegion: 'us-east-1',
      eventSourceARN: stream.streamArn,
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/testFunction',
      kinesis: { kinesisSchemaVersion: '1.0' },
    });
    expect(record?.eventID).toBe(`${record?.eventID.split(':')[0]}:${record?.kinesis.sequenceNumber}`);
    const ctx = seen[0]?.context;
    expect(ctx?.functionName).toBe('testFunction');
    expect(ctx?.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:testFunction');
    expect(ctx?.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ctx?.getRemainingTimeInMillis()).toBeGreaterThan(0);
    const m = mapping.metrics();
    expect(m.shards).toHaveLength(2);
    expect(m.shards.reduce((n, s) => n + s.recordsDelivered, 0)).toBe(60);
  });

  it('resumes from the persisted checkpoints after a restart: nothing lost, nothing delivered twice', async () => {
    const stream = await createTestStream(inject('kinesisEndpoint'), 2);
    const checkpointFile = path.join(tmp, 'restart', 'checkpoints.json');
    const seen: Seen[] = [];
    mapping = await start(stream, (event) => void seen.push({ event, context: {} as Context }), { checkpointFile });
    await put(
      stream.streamName,
      Array.from({ length: 20 }, (_, n) => ({ key: `k${n}`, value: { k: `k${n}`, n } })),
    );
    await until(() => decode(seen).length === 20);
    await mapping.stop();
    mapping = undefined;
    const onDisk = JSON.parse(fs.readFileSync(checkpointFile, 'utf8')) as {
      mappings: { test: Record<string, unknown> };
    };
    expect(Object.keys(onDisk.mappings.test).sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);

    await put(
      stream.streamName,
      Array.from({ length: 10 }, (_, n) => ({ key: `k${n}`, value: { k: `k${n}`, n: 100 + n } })),
    );
    mapping = await start(stream, (event) => void seen.push({ event, context: {} as Context }), { checkpointFile });
    await until(() => decode(seen).length >= 30);
    await new Promise((r) => setTimeout(r, 200));
    const ns = decode(seen)
      .map((g) => g.value.n)
      .sort((a, b) => a - b);
    expect(ns).toEqual([...Array.from({ length: 20 }, (_, n) => n), ...Array.from({ length: 10 }, (_, n) => 100 + n)]);
  });

  it('with StartingPosition LATEST skips what was there before, and a restart still reads what arrived while stopped', async () => {
    const stream = await createTestStream(inject('kinesisEndpoint'), 1);
    const checkpointFile = path.join(tmp, 'latest', 'checkpoints.json');
    await put(stream.streamName, [{ key: 'a', value: { k: 'a', n: -1 } }]);
    const seen: Seen[] = [];
    mapping = await start(stream, (event) => void seen.push({ event, context: {} as Context }), {
      checkpointFile,
      settings: { startingPosition: 'LATEST' },
    });
    await mapping.stop();
    mapping = undefined;
    await put(stream.streamName, [{ key: 'a', value: { k: 'a', n: 1 } }]);
    mapping = await start(stream, (event) => void seen.push({ event, context: {} as Context }), {
      checkpointFile,
      settings: { startingPosition: 'LATEST' },
    });
    await put(stream.streamName, [{ key: 'a', value: { k: 'a', n: 2 } }]);
    await until(() => decode(seen).length === 2);
    expect(decode(seen).map((g) => g.value.n)).toEqual([1, 2]);
  });

  it('fails an invocation that outlives the function timeout and, out of retries, writes the batch metadata to the persisted OnFailure queue', async () => {
    const stream = await createTestStream(inject('kinesisEndpoint'), 1);
    const dlqFile = path.join(tmp, 'dlq', 'test.jsonl');
    let calls = 0;
    mapping = await start(
      stream,
      () => {
        calls += 1;
        return new Promise(() => undefined);
      },
      { dlqFile, timeoutSeconds: 0.2, settings: { maximumRetryAttempts: 1 } },
    );
    await put(stream.streamName, [{ key: 'a', value: { k: 'a', n: 1 } }]);
    await until(() => mapping!.metrics().deadLetterMessages === 1, 10_000);
    expect(calls).toBe(2);
    const lines = fs.readFileSync(dlqFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const message = JSON.parse(lines[0] as string) as Record<string, unknown>;
    expect(message).toMatchObject({
      requestContext: {
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: 2,
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:testFunction',
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      KinesisBatchInfo: { shardId: 'shardId-000000000000', batchSize: 1, streamArn: stream.streamArn },
    });
    // A new queue on the same file sees the earlier message (it survives restarts).
    expect(failureQueue('again', dlqFile).messages()).toHaveLength(1);
  });

  it('reads the same records, once each, through the JSON GetRecords client as through the SDK', async () => {
    const stream = await createTestStream(inject('kinesisEndpoint'), 2);
    const json = kinesisJsonClient({
      endpoint: inject('kinesisEndpoint'),
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const viaSdk: unknown[] = [];
    const viaJson: unknown[] = [];
    const mappings: RunningMapping[] = [];
    try {
      for (const [target, useJson] of [
        [viaSdk, false],
        [viaJson, true],
      ] as const) {
        mappings.push(
          await startEventSourceMapping({
            id: useJson ? 'json' : 'sdk',
            functionName: 'compare',
            handler: ((event: { Records: unknown[] }) => void target.push(...event.Records)) as never,
            source: kinesisSource({
              client,
              ...stream,
              region: 'us-east-1',
              invokeIdentityArn: 'arn:aws:iam::000000000000:role/compare',
              ...(useJson ? { json } : {}),
            }),
            settings: { ...BASE_SETTINGS, batchSize: 100 },
            checkpoints: memoryStore(),
            region: 'us-east-1',
            accountId: '000000000000',
            overrides: FAST,
          }),
        );
      }
      await put(
        stream.streamName,
        Array.from({ length: 250 }, (_, n) => ({ key: `k${n % 7}`, value: { k: `k${n % 7}`, n } })),
      );
      await until(() => viaSdk.length === 250 && viaJson.length === 250);
      const bySeq = (a: unknown, b: unknown) =>
        (a as { eventID: string }).eventID.localeCompare((b as { eventID: string }).eventID);
      expect([...viaJson].sort(bySeq)).toEqual([...viaSdk].sort(bySeq));
      expect(new Set(viaJson.map((r) => (r as { eventID: string }).eventID)).size).toBe(250);
    } finally {
      await Promise.all(mappings.map((m) => m.stop()));
      json.destroy();
    }
  });
});
