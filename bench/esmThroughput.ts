/**
 * esm.recordsPerSecond: how fast the event-source-mapping runtime moves
 * Kinesis records from kinesalite into a no-op handler. The stream (4 shards,
 * as the local stack creates it) is filled first; the clock runs from the
 * mapping's start until the handler has seen every record. The mapping uses
 * the finalizer's settings (batch size 500, 1 s batching window), read from
 * infra/settings.ts.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { MAPPINGS, STREAM } from '../infra/settings.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../local/credentials.js';
import { startKinesalite } from '../local/emulators/kinesalite.js';
import { memoryCheckpointStore } from '../local/esm/checkpointStore.js';
import { startEventSourceMapping } from '../local/esm/eventSourceMapping.js';
import { kinesisSource } from '../local/esm/kinesisSource.js';
import { kinesisJsonClient } from '../local/esm/kinesisJsonClient.js';
import { EMULATOR_CREDENTIALS } from '../local/credentials.js';
import { localKinesis } from '../local/stack/clients.js';
import { ensureStream } from '../local/stack/resources.js';
import type { BenchOptions, BenchResult } from './types.js';

async function fill(
  client: KinesisClient,
  streamName: string,
  count: number,
  progress?: (m: string) => void,
): Promise<void> {
  const now = Date.now();
  const calls: Array<Array<{ PartitionKey: string; Data: Uint8Array }>> = [];
  for (let start = 0; start < count; start += 500) {
    calls.push(
      Array.from({ length: Math.min(500, count - start) }, (_, i) => {
        const n = start + i;
        const racerId = `racer-${n % 1000}`;
        const value = {
          raceId: 1,
          classId: 1 + (n % 6),
          racerId,
          second: Math.floor(n / 1000),
          power: 250,
          output: n / 100,
          event: 'update',
          deviceTimestamp: now,
        };
        return { PartitionKey: racerId, Data: Buffer.from(JSON.stringify(value)) };
      }),
    );
  }
  let done = 0;
  type Entry = { PartitionKey: string; Data: Uint8Array };
  const putAll = async (first: Entry[]): Promise<void> => {
    let records: Entry[] = first;
    // PutRecords fails per record: put the refused ones again.
    while (records.length > 0) {
      const batch = records;
      const out = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: batch }));
      records = (out.Records ?? []).flatMap((r, i) => (r.ErrorCode ? [batch[i] as Entry] : []));
    }
  };
  const worker = async (): Promise<void> => {
    for (let records = calls.shift(); records; records = calls.shift()) {
      await putAll(records);
      done += 500;
      if (done % 10_000 === 0) progress?.(`filling the stream: ${done}/${count}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const count = opts.quick ? 40_000 : 150_000;
  const kinesalite = await startKinesalite();
  const client = localKinesis(kinesalite.endpoint);
  // As the local stack reads: GetRecords without the SDK's per-record decoding.
  const json = kinesisJsonClient({
    endpoint: kinesalite.endpoint,
    region: LOCAL_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
  try {
    const streamName = 'esm-bench';
    const streamArn = await ensureStream(client, streamName, STREAM.localShardCount);
    await fill(client, streamName, count, opts.progress);
    let seen = 0;
    const unique = new Set<string>();
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const started = performance.now();
    const mapping = await startEventSourceMapping({
      id: 'bench',
      functionName: 'noop',
      handler: ((event: { Records: Array<{ eventID: string }> }) => {
        // Counted once per record: a re-delivered record must not inflate the figure.
        for (const r of event.Records) unique.add(r.eventID);
        seen = unique.size;
        if (seen >= count) resolveDone();
      }) as never,
      source: kinesisSource({
        client,
        streamName,
        streamArn,
        region: LOCAL_REGION,
        invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/noop`,
        json,
      }),
      settings: { ...MAPPINGS.finalizer, startingPosition: 'TRIM_HORIZON' },
      checkpoints: memoryCheckpointStore(),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
    });
    const ticker = setInterval(() => opts.progress?.(`delivered ${seen}/${count}`), 1000);
    await done;
    const seconds = (performance.now() - started) / 1000;
    clearInterval(ticker);
    await mapping.stop();
    return [
      {
        metric: 'esm.recordsPerSecond',
        value: Math.round(count / seconds),
        unit: 'records/s',
        target: 15_000,
        better: 'higher',
      },
    ];
  } finally {
    client.destroy();
    json.destroy();
    await kinesalite.stop();
  }
}
