/** An in-memory shard for testing the poller's semantics without an emulator. */
import { toKinesisEventRecord } from '../../../local/esm/kinesisSource.js';
import type { ReadResult, ShardReader, SourceRecord, StartPosition } from '../../../local/esm/types.js';

export const FAKE_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/fake';

export interface FakeShard {
  /** Appends a record whose data is `JSON.stringify(value)`; arrival defaults to now. */
  put(value: unknown, arrivalMs?: number): string;
  /** A reader positioned like GetShardIterator would be. */
  reader(position: StartPosition): ShardReader;
  /** Number of read() calls, with their times. */
  readonly reads: number[];
  readonly records: SourceRecord[];
}

export function fakeShard(shardId = 'shardId-000000000000'): FakeShard {
  const records: SourceRecord[] = [];
  const reads: number[] = [];
  return {
    records,
    reads,
    put(value, arrivalMs = Date.now()) {
      const seq = String(records.length + 1).padStart(20, '0');
      const data = Buffer.from(JSON.stringify(value)).toString('base64');
      const eventRecord = toKinesisEventRecord(
        shardId,
        { SequenceNumber: seq, PartitionKey: 'pk', data, arrivalMs },
        { streamArn: FAKE_ARN, region: 'us-east-1', invokeIdentityArn: 'arn:aws:iam::000000000000:role/fake' },
      );
      records.push({
        sequenceNumber: seq,
        arrivalMs,
        sizeBytes: data.length + 400,
        eventRecord,
        filterSubject: () => ({ data: value }),
      });
      return seq;
    },
    reader(position) {
      let next = 0;
      if (position.type === 'AFTER_SEQUENCE_NUMBER')
        next = records.findIndex((r) => r.sequenceNumber === position.sequenceNumber) + 1;
      if (position.type === 'LATEST') next = records.length;
      if (position.type === 'AT_TIMESTAMP') {
        next = records.findIndex((r) => r.arrivalMs >= position.timestampMs);
        if (next < 0) next = records.length;
      }
      return {
        async read(limit: number): Promise<ReadResult> {
          reads.push(Date.now());
          const out = records.slice(next, next + limit);
          next += out.length;
          return { records: out, millisBehindLatest: 0, caughtUp: next >= records.length, ended: false };
        },
      };
    },
  };
}

/** Decodes the JSON values of a Lambda Kinesis event's records. */
export function valuesOf(event: unknown): unknown[] {
  const records = (event as { Records: Array<{ kinesis: { data: string } }> }).Records;
  return records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as unknown);
}
