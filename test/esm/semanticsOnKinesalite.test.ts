/**
 * The poller's semantics again, this time reading a real kinesalite shard
 * (real sequence numbers, real arrival timestamps, real GetRecords): bisect,
 * retries with OnFailure, partial batch responses, filters and tumbling
 * windows.
 */
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { kinesisSource } from '../../local/esm/kinesisSource.js';
import { processorConfigFrom } from '../../local/esm/processorConfig.js';
import { ShardProcessor } from '../../local/esm/shardProcessor.js';
import { abortableSleep } from '../../local/esm/sleep.js';
import type { FailureMessage, ShardCheckpoint, ShardReader } from '../../local/esm/types.js';
import type { EventSourceMappingSettings } from '../../local/esm/mappingSettings.js';
import { localKinesis } from '../../local/stack/clients.js';
import { createTestStream } from '../support/resources.js';
import { until } from '../support/eventually.js';
import { valuesOf } from './support/fakeShard.js';
import { BASE_SETTINGS, FAST } from './support/harness.js';

let client: KinesisClient;
let processor: ShardProcessor | undefined;
beforeAll(() => {
  client = localKinesis(inject('kinesisEndpoint'));
});
afterEach(async () => {
  await processor?.stop();
  processor = undefined;
});
afterAll(() => client.destroy());

interface Run {
  events: Array<Record<string, unknown>>;
  failures: FailureMessage[];
  checkpoints: ShardCheckpoint[];
  seqs: string[];
  put(value: unknown): Promise<string>;
}

async function onKinesalite(
  handler: (event: Record<string, unknown>) => unknown,
  settings: Partial<EventSourceMappingSettings>,
  config: Record<string, unknown> = {},
): Promise<Run> {
  const stream = await createTestStream(inject('kinesisEndpoint'), 1);
  const source = kinesisSource({
    client,
    ...stream,
    region: 'us-east-1',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/t',
  });
  const [shard] = await source.listShards();
  const shardId = shard?.shardId ?? 'shardId-000000000000';
  let opened: Promise<ShardReader> | undefined;
  const reader: ShardReader = {
    read: async (limit) => (await (opened ??= source.openShard(shardId, { type: 'TRIM_HORIZON' }))).read(limit),
  };
  const run: Run = {
    events: [],
    failures: [],
    checkpoints: [],
    seqs: [],
    async put(value) {
      const out = await client.send(
        new PutRecordCommand({
          StreamName: stream.streamName,
          PartitionKey: 'k',
          Data: Buffer.from(JSON.stringify(value)),
        }),
      );
      run.seqs.push(out.SequenceNumber ?? '');
      return out.SequenceNumber ?? '';
    },
  };
  processor = new ShardProcessor({
    shardId,
    source: { kind: 'kinesis', arn: stream.streamArn },
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:t',
    reader,
    invoke: async (event) => {
      const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
      run.events.push(copy);
      return handler(copy);
    },
    config: processorConfigFrom({ ...BASE_SETTINGS, ...settings }, { ...FAST, ...config }),
    saveCheckpoint: (cp) => run.checkpoints.push(cp),
    onFailure: async (m) => {
      run.failures.push(m);
    },
    now: Date.now,
    sleep: abortableSleep,
  });
  return run;
}

const iOf = (v: unknown): number => (v as { i: number }).i;

describe('poller semantics on kinesalite', () => {
  it('bisects down to a poison record, discards it with its metadata and delivers the rest', async () => {
    const run = await onKinesalite(
      (e) => {
        if (valuesOf(e).some((v) => iOf(v) === 3)) throw new Error('poison');
      },
      { batchSize: 6, bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 },
    );
    for (let i = 0; i < 6; i += 1) await run.put({ i });
    void processor?.start();
    await until(() => run.failures.length === 1);
    const ok = run.events
      .filter((e) => !valuesOf(e).some((v) => iOf(v) === 3))
      .flatMap(valuesOf)
      .map(iOf);
    expect(ok.sort()).toEqual([0, 1, 2, 4, 5]);
    expect(run.failures[0]?.KinesisBatchInfo).toMatchObject({
      batchSize: 1,
      startSequenceNumber: run.seqs[3],
      endSequenceNumber: run.seqs[3],
    });
  });

  it('retries from the lowest reported failure (ReportBatchItemFailures)', async () => {
    let first = true;
    const run = await onKinesalite(
      (e) => {
        const records = e.Records as Array<{ kinesis: { sequenceNumber: string } }>;
        if (!first) return {};
        first = false;
        return { batchItemFailures: [{ itemIdentifier: records[2]?.kinesis.sequenceNumber }] };
      },
      { batchSize: 5, functionResponseTypes: ['ReportBatchItemFailures'] },
    );
    for (let i = 0; i < 5; i += 1) await run.put({ i });
    void processor?.start();
    await until(() => run.events.length === 2);
    expect(valuesOf(run.events[1]).map(iOf)).toEqual([2, 3, 4]);
    expect(run.checkpoints[0]?.position).toEqual({ type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: run.seqs[1] });
  });

  it('gives up after MaximumRetryAttempts and checkpoints past the discarded batch', async () => {
    const run = await onKinesalite(
      (e) => {
        if (valuesOf(e).some((v) => iOf(v) === 0)) throw new Error('always');
      },
      { batchSize: 1, maximumRetryAttempts: 2 },
    );
    await run.put({ i: 0 });
    await run.put({ i: 1 });
    void processor?.start();
    await until(() => run.events.some((e) => valuesOf(e).some((v) => iOf(v) === 1)));
    expect(run.events.filter((e) => iOf(valuesOf(e)[0]) === 0)).toHaveLength(3);
    expect(run.failures[0]?.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
  });

  it('filters on the JSON data of the record', async () => {
    const run = await onKinesalite(() => undefined, {
      filterCriteria: { filters: [{ pattern: JSON.stringify({ data: { i: [{ numeric: ['>=', 2] }] } }) }] },
    });
    for (let i = 0; i < 4; i += 1) await run.put({ i });
    await run.put('not json at all');
    void processor?.start();
    await until(() =>
      run.checkpoints.some(
        (c) => c.position.type === 'AFTER_SEQUENCE_NUMBER' && c.position.sequenceNumber === run.seqs[4],
      ),
    );
    expect(run.events.flatMap(valuesOf).map(iOf)).toEqual([2, 3]);
  });

  it('runs tumbling windows on real arrival times and closes them after they end', async () => {
    const run = await onKinesalite(
      (e) => {
        const state = (e.state ?? {}) as { n?: number };
        return { state: { n: (state.n ?? 0) + valuesOf(e).length } };
      },
      {},
      { tumblingWindowMs: 1000 },
    );
    void processor?.start();
    for (let i = 0; i < 3; i += 1) await run.put({ i });
    await until(() => run.events.some((e) => e.isFinalInvokeForWindow === true), 5000);
    const final = run.events.find((e) => e.isFinalInvokeForWindow === true);
    const windowEnd = Date.parse(String((final?.window as { end: string }).end));
    // Every record delivered in this window arrived before its end; the final invocation carries their count.
    const inWindow = run.events.filter(
      (e) => e.window && (e.window as { end: string }).end === (final?.window as { end: string }).end && e !== final,
    );
    expect((final?.state as { n: number }).n).toBe(inWindow.flatMap(valuesOf).length);
    expect(windowEnd % 1000).toBe(0);
    expect(final?.Records).toEqual([]);
  });
});
