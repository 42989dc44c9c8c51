import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../support/eventually.js';
import { fakeShard, valuesOf } from './support/fakeShard.js';
import { lastCheckpointSeq, runShard, type Harness } from './support/harness.js';

let running: Harness | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function delivered(h: Harness): unknown[] {
  return h.events.flatMap((e) => valuesOf(e));
}

describe('batching and order', () => {
  it('delivers every record in shard order, in batches of at most BatchSize, and checkpoints after each batch', async () => {
    const shard = fakeShard();
    for (let i = 0; i < 25; i += 1) shard.put({ i });
    running = runShard(shard, () => undefined, { settings: { batchSize: 10 } });
    await until(() => delivered(running as Harness).length === 25);
    expect(delivered(running)).toEqual(Array.from({ length: 25 }, (_, i) => ({ i })));
    expect(running.events.map((e) => (e.Records as unknown[]).length)).toEqual([10, 10, 5]);
    await until(() => lastCheckpointSeq(running as Harness) === shard.records[24]?.sequenceNumber);
  });

  it('shapes records exactly as Lambda does for Kinesis', async () => {
    const shard = fakeShard();
    const arrival = Date.parse('2026-01-01T00:00:01.250Z');
    shard.put({ hello: 'world' }, arrival);
    running = runShard(shard, () => undefined);
    await until(() => running!.events.length === 1);
    const record = (running.events[0]?.Records as unknown[])[0];
    expect(record).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'pk',
        sequenceNumber: shard.records[0]?.sequenceNumber,
        data: Buffer.from('{"hello":"world"}').toString('base64'),
        approximateArrivalTimestamp: 1767225601.25,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `shardId-000000000000:${shard.records[0]?.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/fake',
      awsRegion: 'us-east-1',
      eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/fake',
    });
    // Without a tumbling window the event is just { Records }.
    expect(Object.keys(running.events[0] ?? {})).toEqual(['Records']);
  });

  it('waits up to MaximumBatchingWindowInSeconds to fill a batch', async () => {
    const shard = fakeShard();
    running = runShard(shard, () => undefined, { settings: { batchSize: 100, maximumBatchingWindowInSeconds: 1 } });
    for (let i = 0; i < 5; i += 1) {
      shard.put({ i });
      await new Promise((r) => setTimeout(r, 60));
    }
    await until(() => delivered(running as Harness).length === 5, 5000);
    // Five records trickling in over ~300 ms go out together, within the one-second window.
    expect(running.events).toHaveLength(1);
  });

  it('invokes as soon as a batch is full even inside the batching window', async () => {
    const shard = fakeShard();
    for (let i = 0; i < 20; i += 1) shard.put({ i });
    const started = Date.now();
    running = runShard(shard, () => undefined, { settings: { batchSize: 10, maximumBatchingWindowInSeconds: 5 } });
    await until(() => running!.events.length >= 2, 3000);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('polls an idle shard about once per idle interval and a busy one no faster than the GetRecords limit', async () => {
    const idle = fakeShard();
    running = runShard(idle, () => undefined, { config: { idlePollMs: 100, minPollSpacingMs: 50 } });
    await new Promise((r) => setTimeout(r, 550));
    await running.stop();
    expect(idle.reads.length).toBeGreaterThanOrEqual(4);
    expect(idle.reads.length).toBeLessThanOrEqual(7);

    const busy = fakeShard();
    for (let i = 0; i < 200; i += 1) busy.put({ i });
    running = runShard(busy, () => undefined, {
      settings: { batchSize: 10 },
      config: { readLimit: 10, idlePollMs: 100, minPollSpacingMs: 50 },
    });
    await new Promise((r) => setTimeout(r, 520));
    await running.stop();
    const gaps = busy.reads.slice(1).map((t, i) => t - (busy.reads[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(45);
  });
});

describe('errors, retries and bisection', () => {
  it('retries a failing batch MaximumRetryAttempts times, then sends its metadata to the OnFailure destination and moves on', async () => {
    const shard = fakeShard();
    for (let i = 0; i < 3; i += 1) shard.put({ i });
    let calls = 0;
    running = runShard(
      shard,
      (event) => {
        calls += 1;
        if ((valuesOf(event)[0] as { i: number }).i === 0) throw new Error('boom');
      },
      { settings: { batchSize: 2, maximumRetryAttempts: 2 } },
    );
    await until(() => running!.failures.length === 1 && delivered(running!).some((v) => (v as { i: number }).i === 2));
    // 1 attempt + 2 retries of the first batch, then the next batch.
    expect(calls).toBe(4);
    const message = running.failures[0];
    expect(message?.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    expect(message?.requestContext.functionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:test');
    expect(message?.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
    expect(message?.version).toBe('1.0');
    expect(message?.KinesisBatchInfo).toEqual({
      shardId: 'shardId-000000000000',
      startSequenceNumber: shard.records[0]?.sequenceNumber,
      endSequenceNumber: shard.records[1]?.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(shard.records[0]!.arrivalMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(shard.records[1]!.arrivalMs).toISOString(),
      batchSize: 2,
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/fake',
    });
    expect(running.processor.metrics()).toMatchObject({ retries: 2, discardedBatches: 1, discardedRecords: 2 });
  });

  it('bisects a failing batch down to the poison record without consuming the retry quota on splits', async () => {
    const shard = fakeShard();
    for (let i = 0; i < 8; i += 1) shard.put({ i });
    running = runShard(
      shard,
      (event) => {
        if (valuesOf(event).some((v) => (v as { i: number }).i === 5)) throw new Error('poison');
      },
      { settings: { batchSize: 8, bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 } },
    );
    await until(() => running!.failures.length === 1);
    await until(() => lastCheckpointSeq(running!) === shard.records[7]?.sequenceNumber);
    const good = delivered(running).filter((v, i, all) => all.indexOf(v) === i);
    // Every record but the poison one was delivered in a successful batch.
    const succeeded = running.events
      .filter((e) => !valuesOf(e).some((v) => (v as { i: number }).i === 5))
      .flatMap(valuesOf);
    expect(succeeded.map((v) => (v as { i: number }).i).sort()).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(good.length).toBeGreaterThan(0);
    expect(running.failures[0]?.KinesisBatchInfo).toMatchObject({
      batchSize: 1,
      startSequenceNumber: shard.records[5]?.sequenceNumber,
    });
    // 8 -> 4+4 -> 2+2 -> 1+1: three splits; the single record then used its one retry.
    expect(running.processor.metrics()).toMatchObject({ bisections: 3, retries: 1 });
  });

  it('with ReportBatchItemFailures checkpoints before the lowest failed record and retries from there', async () => {
    const shard = fakeShard();
    for (let i = 0; i < 6; i += 1) shard.put({ i });
    let failedOnce = false;
    running = runShard(
      shard,
      (event) => {
        const records = event.Records as Array<{ kinesis: { sequenceNumber: string } }>;
        if (!failedOnce) {
          failedOnce = true;
          return {
            batchItemFailures: [
              { itemIdentifier: records[4]?.kinesis.sequenceNumber },
              { itemIdentifier: records[2]?.kinesis.sequenceNumber },
            ],
          };
        }
        return { batchItemFailures: [] };
      },
      { settings: { batchSize: 6, functionResponseTypes: ['ReportBatchItemFailures'] } },
    );
    await until(() => running!.events.length === 2);
    expect(valuesOf(running.events[1])).toEqual([{ i: 2 }, { i: 3 }, { i: 4 }, { i: 5 }]);
    expect(running.checkpoints[0]?.position).toEqual({
      type: 'AFTER_SEQUENCE_NUMBER',
      sequenceNumber: shard.records[1]?.sequenceNumber,
    });
    expect(running.processor.metrics().partialFailures).toBe(1);
  });

  it('treats a batch item failure that names no record of the batch as a failure of the whole batch', async () => {
    const shard = fakeShard();
    for (let i = 0; i < 3; i += 1) shard.put({ i });
    let calls = 0;
    running = runShard(
      shard,
      () => {
        calls += 1;
        return calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } : {};
      },
      { settings: { batchSize: 3, functionResponseTypes: ['ReportBatchItemFailures'] } },
    );
    await until(() => running!.events.length === 2);
    expect(valuesOf(running.events[1])).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });

  it('ignores batchItemFailures when ReportBatchItemFailures is off', async () => {
    const shard = fakeShard();
    shard.put({ i: 0 });
    shard.put({ i: 1 });
    running = runShard(shard, (e) => ({
      batchItemFailures: [
        { itemIdentifier: (e.Records as Array<{ kinesis: { sequenceNumber: string } }>)[0]?.kinesis.sequenceNumber },
      ],
    }));
    await until(() => lastCheckpointSeq(running!) === shard.records[1]?.sequenceNumber);
    expect(running.events).toHaveLength(1);
  });

  it('discards records older than MaximumRecordAgeInSeconds without invoking, with condition RecordAgeExceeded', async () => {
    const shard = fakeShard();
    shard.put({ old: 1 }, Date.now() - 120_000);
    shard.put({ old: 2 }, Date.now() - 90_000);
    shard.put({ fresh: 3 });
    running = runShard(shard, () => undefined, { settings: { maximumRecordAgeInSeconds: 60 } });
    await until(() => running!.events.length === 1 && running!.failures.length === 1);
    expect(valuesOf(running.events[0])).toEqual([{ fresh: 3 }]);
    expect(running.failures[0]?.requestContext).toMatchObject({
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 0,
    });
    expect(running.failures[0]?.responseContext).toBeUndefined();
    expect(running.failures[0]?.KinesisBatchInfo?.batchSize).toBe(2);
  });
});

describe('filters', () => {
  it('never delivers records that match no filter, and checkpoints past them', async () => {
    const shard = fakeShard();
    shard.put({ type: 'buy', n: 1 });
    shard.put({ type: 'sell', n: 2 });
    shard.put({ type: 'buy', n: 3 });
    shard.put({ type: 'sell', n: 4 });
    running = runShard(shard, () => undefined, {
      settings: { filterCriteria: { filters: [{ pattern: JSON.stringify({ data: { type: ['buy'] } }) }] } },
    });
    await until(() => lastCheckpointSeq(running!) === shard.records[3]?.sequenceNumber);
    expect(delivered(running)).toEqual([
      { type: 'buy', n: 1 },
      { type: 'buy', n: 3 },
    ]);
    expect(running.processor.metrics().recordsFiltered).toBe(2);
  });
});

describe('restart', () => {
  it('resumes after the checkpoint: nothing committed is delivered again', async () => {
    const shard = fakeShard();
    for (let i = 0; i < 4; i += 1) shard.put({ i });
    const first = runShard(shard, () => undefined, { settings: { batchSize: 2 } });
    await until(() => lastCheckpointSeq(first) === shard.records[3]?.sequenceNumber);
    await first.stop();
    const checkpoint = first.checkpoints[first.checkpoints.length - 1];
    shard.put({ i: 4 });
    running = runShard(shard, () => undefined, {
      settings: { batchSize: 2 },
      ...(checkpoint ? { initial: checkpoint } : {}),
    });
    await until(() => running!.events.length === 1);
    expect(delivered(running)).toEqual([{ i: 4 }]);
  });
});
