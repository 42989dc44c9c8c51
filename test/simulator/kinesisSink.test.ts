import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { localKinesis } from '../../local/stack/clients.js';
import { kinesisSink } from '../../local/simulator/kinesisSink.js';
import { startSimulator } from '../../local/simulator/startSimulator.js';
import { checkTelemetry } from '../../core/telemetry.js';
import { raceIdAt } from '../../core/raceClock.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { createTestStream } from '../support/resources.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../../local/credentials.js';

/** Every record on the stream, with its partition key. */
async function readStream(client: KinesisClient, streamName: string): Promise<Array<{ key: string; data: unknown }>> {
  const out: Array<{ key: string; data: unknown }> = [];
  const desc = await client.send(new DescribeStreamCommand({ StreamName: streamName }));
  for (const shard of desc.StreamDescription?.Shards ?? []) {
    let it = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (it !== undefined) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10_000 }));
      for (const r of page.Records ?? [])
        out.push({
          key: r.PartitionKey ?? '',
          data: JSON.parse(Buffer.from(r.Data ?? new Uint8Array()).toString('utf8')),
        });
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      it = page.NextShardIterator;
    }
  }
  return out;
}

const rec = (i: number): TelemetryRecord => ({
  raceId: 1,
  classId: 1,
  racerId: `r${i}`,
  second: 1,
  power: 100,
  output: 0.1,
  event: 'update',
  deviceTimestamp: 1,
});

describe('PutRecords sink', () => {
  it('sends in batches of at most 500 with racerId as partition key (kinesalite)', async () => {
    const endpoint = inject('kinesisEndpoint');
    const { streamName } = await createTestStream(endpoint, 2);
    const client = localKinesis(endpoint);
    const records = Array.from({ length: 1203 }, (_, i) => rec(i));
    const outcome = await kinesisSink({ client, streamName }).send(records);
    expect(outcome).toMatchObject({ sent: 1203, failed: 0, retried: 0 });
    const back = await readStream(client, streamName);
    expect(back).toHaveLength(1203);
    expect(back.every((b) => b.key === (b.data as TelemetryRecord).racerId)).toBe(true);
    client.destroy();
  });

  it('retries only the records PutRecords refused (FailedRecordCount)', async () => {
    // Stands in for Kinesis: the first call refuses every third record.
    const calls: number[] = [];
    const flaky = {
      send: async (cmd: PutRecordsCommand) => {
        const n = cmd.input.Records?.length ?? 0;
        calls.push(n);
        const refuse = calls.length === 1;
        const entries = Array.from({ length: n }, (_, i) =>
          refuse && i % 3 === 0
            ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
            : { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
        );
        return { FailedRecordCount: entries.filter((e) => 'ErrorCode' in e).length, Records: entries };
      },
      destroy: () => undefined,
    } as unknown as KinesisClient;
    const outcome = await kinesisSink({ client: flaky, streamName: 's', sleep: async () => {} }).send(
      Array.from({ length: 30 }, (_, i) => rec(i)),
    );
    expect(calls).toEqual([30, 10]);
    expect(outcome).toMatchObject({ sent: 30, failed: 0, retried: 10 });
  });
});

describe('the simulator against kinesalite', () => {
  it('rides the race clock: one valid record per rider per second, finals at the race end', async () => {
    const endpoint = inject('kinesisEndpoint');
    const { streamName } = await createTestStream(endpoint, 2);
    const raceSeconds = 2;
    const progress: number[] = [];
    const sim = startSimulator({
      endpoints: {
        region: LOCAL_REGION,
        graphqlUrl: 'http://127.0.0.1:1/graphql',
        apiKey: 'unused',
        credentials: EMULATOR_CREDENTIALS,
        kinesis: { endpoint, streamName },
        cognito: {
          endpoint: 'http://127.0.0.1:1',
          region: LOCAL_REGION,
          userPoolId: 'unused',
          userPoolClientId: 'unused',
        },
        raceSeconds,
      },
      racers: 4,
      classes: [1, 6],
      onProgress: (p) => progress.push(p.sent),
    });
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 5200));
    await sim.stop();
    const client = localKinesis(endpoint);
    const back = await readStream(client, streamName);
    client.destroy();
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)).toBe(back.length);
    const firstRace = raceIdAt(started, raceSeconds);
    for (const b of back) {
      const check = checkTelemetry(b.data, { raceSeconds, currentRaceId: (b.data as TelemetryRecord).raceId });
      expect(check.ok).toBe(true);
    }
    const recs = back.map((b) => b.data as TelemetryRecord);
    // No rider sends the same second of a race twice.
    const keys = recs.map((r) => `${r.classId}/${r.raceId}/${r.racerId}/${r.second}`);
    expect(new Set(keys).size).toBe(keys.length);
    // A race that ran from its start to its end: every second, then the finals.
    const whole = recs.filter((r) => r.raceId === firstRace + 1);
    const finals = whole.filter((r) => r.event === 'final');
    expect(finals.every((r) => r.second === raceSeconds)).toBe(true);
    expect(finals.length).toBeGreaterThanOrEqual(6); // 8 riders less the odd dropout
    expect([...new Set(whole.map((r) => r.second))].sort()).toEqual([0, 1, 2]);
  });
});
