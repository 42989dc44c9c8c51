/**
 * PutRecords in batches of at most 500, several in flight. PutRecords fails
 * per record (FailedRecordCount, ErrorCode on each entry): only the failed
 * entries are sent again, with backoff.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { chunk } from '../../lib/concurrency.js';
import { forEachLimited } from '../../lib/concurrency.js';
import type { SendOutcome, TelemetrySink } from './sink.js';
import { MAX_BATCH } from './sink.js';

export interface KinesisSinkOptions {
  client: KinesisClient;
  streamName: string;
  /** Attempts per record (default 5). */
  attempts?: number;
  /** Batches in flight (default 4). */
  parallel?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function kinesisSink(o: KinesisSinkOptions): TelemetrySink {
  const attempts = o.attempts ?? 5;
  const sleep = o.sleep ?? defaultSleep;
  const encoder = new TextEncoder();

  async function putBatch(batch: readonly TelemetryRecord[], outcome: SendOutcome): Promise<void> {
    let pending = batch.map((r) => ({ Data: encoder.encode(JSON.stringify(r)), PartitionKey: r.racerId }));
    for (let attempt = 0; attempt < attempts && pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        outcome.retried += pending.length;
        await sleep(Math.random() * Math.min(2000, 100 * 2 ** attempt));
      }
      try {
        const res = await o.client.send(new PutRecordsCommand({ StreamName: o.streamName, Records: pending }));
        const entries = res.Records ?? [];
        const failed = pending.filter((_, i) => entries[i] === undefined || entries[i]?.ErrorCode !== undefined);
        const firstFailure = entries.find((e) => e.ErrorCode !== undefined);
        if (firstFailure) outcome.lastError = `${firstFailure.ErrorCode}: ${firstFailure.ErrorMessage ?? ''}`;
        outcome.sent += pending.length - failed.length;
        pending = failed;
      } catch (error) {
        outcome.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      }
    }
    outcome.failed += pending.length;
  }

  return {
    async send(records) {
      const outcome: SendOutcome = { sent: 0, failed: 0, retried: 0 };
      await forEachLimited(chunk(records, MAX_BATCH), o.parallel ?? 4, (batch) => putBatch(batch, outcome));
      return outcome;
    },
    close: () => o.client.destroy(),
  };
}
