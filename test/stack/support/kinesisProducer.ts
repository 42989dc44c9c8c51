/**
 * A trusted producer putting telemetry straight on the Kinesis stream
 * (partition key = racerId, as the telemetry contract says), the way a device with a
 * buffer does: what cannot be put yet (the stack is down, a record failed)
 * stays queued, in order, and is put once a stack is there again. Records
 * whose put was acknowledged are listed with their shard and sequence number.
 */
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { localKinesis } from '../../../local/stack/clients.js';
import type { TelemetryValue } from './raceFeed.js';

export interface AckedRecord {
  shardId: string;
  seq: string;
  value: TelemetryValue;
  /** The run (stack process) that acknowledged it. */
  run: number;
}

export interface KinesisProducer {
  /** Queues the values and puts what can be put now; resolves when this attempt is over. */
  send(values: readonly TelemetryValue[]): Promise<void>;
  /** Points the producer at a (restarted) stack's stream. */
  connect(endpoint: string, streamName: string, run: number): void;
  /** No stack to put to: values queue up until the next connect. */
  disconnect(): void;
  /** Called synchronously right after the next acknowledged put (the test kills the stack there). */
  afterNextAck(hook: () => void): void;
  readonly acked: readonly AckedRecord[];
  /** Values queued and not yet acknowledged. */
  pending(): number;
  /** Put calls that failed as a whole (stack down or dying), and the last such failure. */
  failedCalls(): { count: number; lastError: string | undefined };
  close(): void;
}

/** PutRecords takes at most 500 records per call. */
const MAX_PER_CALL = 500;

export function kinesisProducer(): KinesisProducer {
  const queue: TelemetryValue[] = [];
  const acked: AckedRecord[] = [];
  const clients: KinesisClient[] = [];
  let target: { client: KinesisClient; streamName: string; run: number } | undefined;
  let hook: (() => void) | undefined;
  let failed = 0;
  let lastError: string | undefined;
  let chain: Promise<void> = Promise.resolve();

  async function putQueued(): Promise<void> {
    while (queue.length > 0 && target !== undefined) {
      const { client, streamName, run } = target;
      const batch = queue.slice(0, MAX_PER_CALL);
      let out;
      try {
        out = await client.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: batch.map((v) => ({ PartitionKey: v.racerId, Data: Buffer.from(JSON.stringify(v)) })),
          }),
          { abortSignal: AbortSignal.timeout(15_000) },
        );
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        // The stack is down or was killed during the call: everything stays queued (a retry may duplicate
        // what the dying stream had stored; newest-second-wins and the finalizer's idempotent puts absorb that).
        failed += 1;
        return;
      }
      queue.splice(0, batch.length);
      const retry: TelemetryValue[] = [];
      (out.Records ?? []).forEach((r, i) => {
        const value = batch[i] as TelemetryValue;
        if (r.ShardId && r.SequenceNumber) acked.push({ shardId: r.ShardId, seq: r.SequenceNumber, value, run });
        else retry.push(value);
      });
      queue.unshift(...retry);
      const h = hook;
      hook = undefined;
      h?.();
      if (retry.length > 0) return;
    }
  }

  return {
    send(values) {
      queue.push(...values);
      chain = chain.then(putQueued);
      return chain;
    },
    connect(endpoint, streamName, run) {
      const client = localKinesis(endpoint);
      clients.push(client);
      target = { client, streamName, run };
    },
    disconnect() {
      target = undefined;
    },
    afterNextAck(h) {
      hook = h;
    },
    acked,
    pending: () => queue.length,
    failedCalls: () => ({ count: failed, lastError }),
    close() {
      target = undefined;
      for (const c of clients) c.destroy();
    },
  };
}
