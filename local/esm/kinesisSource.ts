/**
 * Kinesis Data Streams as a ShardSource (kinesalite locally): ListShards,
 * GetShardIterator, GetRecords, and records shaped exactly as Lambda delivers
 * them (`Records[].kinesis.{kinesisSchemaVersion, partitionKey, sequenceNumber,
 * data (base64), approximateArrivalTimestamp (seconds)}`, `eventID =
 * "<shardId>:<sequenceNumber>"`, …). Every call is made with the function's
 * execution role when one is given (executionRole.ts).
 */
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type _Record as KinesisSdkRecord,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';
import { ShardReadError } from './errors.js';
import { authorizePollerCall, type ExecutionRole } from './executionRole.js';
import type { KinesisJsonClient } from './kinesisJsonClient.js';
import { awaitShardReadSlot } from './shardReadLimiter.js';
import type { ReadResult, ShardInfo, ShardReader, ShardSource, SourceRecord, StartPosition } from './types.js';
import { errorMessage } from '../../lib/toError.js';

/** A Kinesis record exactly as Lambda puts it into `event.Records`. */
export interface KinesisEventRecord {
  kinesis: {
    kinesisSchemaVersion: '1.0';
    partitionKey: string;
    sequenceNumber: string;
    data: string;
    approximateArrivalTimestamp: number;
  };
  eventSource: 'aws:kinesis';
  eventVersion: '1.0';
  eventID: string;
  eventName: 'aws:kinesis:record';
  invokeIdentityArn: string;
  awsRegion: string;
  eventSourceARN: string;
}

export interface KinesisSourceOptions {
  client: KinesisClient;
  streamName: string;
  streamArn: string;
  region: string;
  /** The function's execution role (`invokeIdentityArn`). */
  invokeIdentityArn: string;
  /** GetRecords through this JSON client instead of the SDK (no per-record decode/re-encode of `Data`). */
  json?: KinesisJsonClient;
  /** The role every call is checked against, as IAM checks Lambda's pollers; none: unchecked. */
  executionRole?: ExecutionRole;
}

/** Lambda's record for one Kinesis record. */
export function toKinesisEventRecord(
  shardId: string,
  r: { SequenceNumber: string; PartitionKey: string; data: string; arrivalMs: number },
  o: Pick<KinesisSourceOptions, 'streamArn' | 'region' | 'invokeIdentityArn'>,
): KinesisEventRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: r.PartitionKey,
      sequenceNumber: r.SequenceNumber,
      data: r.data,
      approximateArrivalTimestamp: r.arrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${r.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: o.invokeIdentityArn,
    awsRegion: o.region,
    eventSourceARN: o.streamArn,
  };
}

/** Kinesis filters match only the `data` key, decoded as JSON when it parses (Lambda developer guide). */
function kinesisFilterSubject(base64: string): unknown {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  try {
    return { data: JSON.parse(text) as unknown };
  } catch (error) {
    // Not JSON: only patterns that do not look into `data` can match.
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}

interface PlainRecord {
  SequenceNumber: string;
  PartitionKey: string;
  /** base64 */
  data: string;
  arrivalMs: number;
}

/**
 * A Kinesis record as the shard processor sees it. A class rather than an
 * object literal with an arrow function: thousands are made per second at
 * full load, and a closure per record (which tsx's keepNames also wraps in a
 * naming call) is a measurable share of the poller's CPU (docs/scaling.md).
 */
class KinesisSourceRecord implements SourceRecord {
  readonly sequenceNumber: string;
  readonly arrivalMs: number;
  readonly sizeBytes: number;
  readonly eventRecord: KinesisEventRecord;
  constructor(shardId: string, r: PlainRecord, o: KinesisSourceOptions) {
    this.sequenceNumber = r.SequenceNumber;
    this.arrivalMs = r.arrivalMs;
    // The record's JSON in the event: data plus about 400 bytes of metadata.
    this.sizeBytes = r.data.length + 400;
    this.eventRecord = toKinesisEventRecord(shardId, r, o);
  }
  filterSubject(): unknown {
    return kinesisFilterSubject(this.eventRecord.kinesis.data);
  }
}

function toSourceRecord(shardId: string, r: PlainRecord, o: KinesisSourceOptions): SourceRecord {
  return new KinesisSourceRecord(shardId, r, o);
}

function fromSdk(r: KinesisSdkRecord): PlainRecord {
  return {
    SequenceNumber: r.SequenceNumber ?? '',
    PartitionKey: r.PartitionKey ?? '',
    data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
    arrivalMs: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
  };
}

/** One GetRecords, through the JSON client when there is one, normalised. */
async function getRecords(
  o: KinesisSourceOptions,
  iterator: string,
  limit: number,
): Promise<{ records: PlainRecord[]; next: string | undefined; millisBehindLatest: number | undefined }> {
  if (o.json) {
    const out = await o.json.getRecords(iterator, limit);
    return {
      records: out.Records.map((r) => ({
        SequenceNumber: r.SequenceNumber,
        PartitionKey: r.PartitionKey,
        data: r.Data,
        arrivalMs: Math.round(r.ApproximateArrivalTimestamp * 1000),
      })),
      next: out.NextShardIterator ?? undefined,
      millisBehindLatest: out.MillisBehindLatest,
    };
  }
  const out = await o.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
  return {
    records: (out.Records ?? []).map(fromSdk),
    next: out.NextShardIterator,
    millisBehindLatest: out.MillisBehindLatest,
  };
}

function isExpiredIterator(error: unknown): boolean {
  return (
    error instanceof ExpiredIteratorException || (error instanceof Error && error.name === 'ExpiredIteratorException')
  );
}

function iteratorInput(
  streamName: string,
  shardId: string,
  p: StartPosition,
): {
  StreamName: string;
  ShardId: string;
  ShardIteratorType: ShardIteratorType;
  StartingSequenceNumber?: string;
  Timestamp?: Date;
} {
  const base = { StreamName: streamName, ShardId: shardId };
  switch (p.type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      return { ...base, ShardIteratorType: p.type };
    case 'AT_TIMESTAMP':
      return { ...base, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(p.timestampMs) };
    case 'AFTER_SEQUENCE_NUMBER':
      return { ...base, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: p.sequenceNumber };
  }
}

/**
 * A reader over one Kinesis shard; re-creates its iterator when it expires
 * (iterators live 5 minutes).
 *
 * AT_TIMESTAMP is served from a TRIM_HORIZON iterator, skipping records that
 * arrived before the timestamp: kinesalite's own AT_TIMESTAMP never answers
 * when no record is at or after the timestamp (its request hangs).
 */
async function openKinesisShard(
  o: KinesisSourceOptions,
  shardId: string,
  position: StartPosition,
): Promise<ShardReader> {
  let lastSeq: string | undefined;
  let skipBeforeMs = position.type === 'AT_TIMESTAMP' ? position.timestampMs : undefined;
  const fresh = async (): Promise<string | undefined> => {
    let p: StartPosition =
      lastSeq === undefined ? position : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSeq };
    if (p.type === 'AT_TIMESTAMP') p = { type: 'TRIM_HORIZON' };
    authorizePollerCall(o.executionRole, 'kinesis:GetShardIterator', o.streamArn);
    const out = await o.client.send(new GetShardIteratorCommand(iteratorInput(o.streamName, shardId, p)));
    return out.ShardIterator;
  };
  let iterator = await fresh();
  return {
    async read(limit: number): Promise<ReadResult> {
      if (iterator === undefined) return { records: [], millisBehindLatest: 0, caughtUp: true, ended: true };
      let out;
      // The 5-per-second GetRecords limit is per shard, shared by every consumer of the stream.
      await awaitShardReadSlot(`${o.streamArn}/${shardId}`);
      // As the call is made, outside the try: a denied read is the role's problem, not the shard's.
      authorizePollerCall(o.executionRole, 'kinesis:GetRecords', o.streamArn);
      try {
        out = await getRecords(o, iterator, Math.min(limit, 10_000));
      } catch (error) {
        if (isExpiredIterator(error)) {
          iterator = await fresh();
          return { records: [], millisBehindLatest: undefined, caughtUp: false, ended: false };
        }
        throw new ShardReadError(`GetRecords failed on ${shardId}: ${errorMessage(error)}`, { cause: error });
      }
      const raw = out.records;
      let records = raw.map((r) => toSourceRecord(shardId, r, o));
      const lastRecord = records[records.length - 1];
      if (lastRecord) lastSeq = lastRecord.sequenceNumber;
      if (skipBeforeMs !== undefined) {
        const from = skipBeforeMs;
        const firstKept = records.findIndex((r) => r.arrivalMs >= from);
        records = firstKept < 0 ? [] : records.slice(firstKept);
        if (firstKept >= 0) skipBeforeMs = undefined;
      }
      iterator = out.next;
      return {
        records,
        millisBehindLatest: out.millisBehindLatest,
        caughtUp: raw.length < limit,
        ended: iterator === undefined,
      };
    },
  };
}

/** The Kinesis stream as a source of shards. */
export function kinesisSource(o: KinesisSourceOptions): ShardSource {
  return {
    kind: 'kinesis',
    arn: o.streamArn,
    async listShards(): Promise<ShardInfo[]> {
      const shards: ShardInfo[] = [];
      let token: string | undefined;
      do {
        authorizePollerCall(o.executionRole, 'kinesis:ListShards', o.streamArn);
        const out = await o.client.send(
          new ListShardsCommand(token === undefined ? { StreamName: o.streamName } : { NextToken: token }),
        );
        for (const s of out.Shards ?? []) {
          if (s.ShardId)
            shards.push({ shardId: s.ShardId, ...(s.ParentShardId ? { parentShardId: s.ParentShardId } : {}) });
        }
        token = out.NextToken;
      } while (token !== undefined);
      return shards;
    },
    openShard: (shardId, position) => openKinesisShard(o, shardId, position),
  };
}
