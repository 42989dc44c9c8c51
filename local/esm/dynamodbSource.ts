/**
 * DynamoDB Streams as a ShardSource (DynamoDB Local's stream API), with
 * records shaped as Lambda delivers them: `eventID`, `eventName`
 * (INSERT/MODIFY/REMOVE), `eventVersion`, `eventSource: 'aws:dynamodb'`,
 * `awsRegion`, `dynamodb.{ApproximateCreationDateTime (epoch seconds), Keys,
 * NewImage, OldImage, SequenceNumber, SizeBytes, StreamViewType}` with images
 * in AttributeValue form (binary as base64), `eventSourceARN`. Every call is
 * made with the function's execution role when one is given (executionRole.ts).
 */
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record as StreamSdkRecord,
  type DynamoDBStreamsClient,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import { ShardReadError } from './errors.js';
import { authorizePollerCall, type ExecutionRole } from './executionRole.js';
import type { ReadResult, ShardInfo, ShardReader, ShardSource, SourceRecord, StartPosition } from './types.js';
import { errorMessage } from '../../lib/toError.js';

export interface DynamoDbSourceOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  region: string;
  /** The role every call is checked against, as IAM checks Lambda's pollers; none: unchecked. */
  executionRole?: ExecutionRole;
}

/** DynamoDB Streams returns at most 1,000 records per GetRecords. */
export const DYNAMODB_STREAMS_READ_LIMIT = 1000;

/** AttributeValues as JSON: the SDK gives binary as Uint8Array, Lambda's event carries base64. */
function jsonAttributes(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(jsonAttributes);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonAttributes(v);
    return out;
  }
  return value;
}

/** Lambda's record for one stream record. */
export function toDynamoDbEventRecord(
  r: StreamSdkRecord,
  o: Pick<DynamoDbSourceOptions, 'streamArn' | 'region'>,
): Record<string, unknown> {
  const d = r.dynamodb ?? {};
  const dynamodb: Record<string, unknown> = {};
  if (d.ApproximateCreationDateTime)
    dynamodb.ApproximateCreationDateTime = Math.floor(d.ApproximateCreationDateTime.getTime() / 1000);
  if (d.Keys) dynamodb.Keys = jsonAttributes(d.Keys);
  if (d.NewImage) dynamodb.NewImage = jsonAttributes(d.NewImage);
  if (d.OldImage) dynamodb.OldImage = jsonAttributes(d.OldImage);
  dynamodb.SequenceNumber = d.SequenceNumber;
  dynamodb.SizeBytes = d.SizeBytes;
  dynamodb.StreamViewType = d.StreamViewType;
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: o.region,
    dynamodb,
    eventSourceARN: o.streamArn,
  };
}

function toSourceRecord(r: StreamSdkRecord, o: DynamoDbSourceOptions): SourceRecord {
  const eventRecord = toDynamoDbEventRecord(r, o);
  const d = r.dynamodb;
  return {
    sequenceNumber: d?.SequenceNumber ?? '',
    arrivalMs: d?.ApproximateCreationDateTime?.getTime() ?? Date.now(),
    sizeBytes: (d?.SizeBytes ?? 0) * 2 + 400,
    eventRecord,
    // DynamoDB filters match the record as Lambda delivers it (eventName, dynamodb.NewImage…).
    filterSubject: () => eventRecord,
  };
}

function iteratorType(p: StartPosition): ShardIteratorType {
  switch (p.type) {
    case 'TRIM_HORIZON':
    case 'LATEST':
    case 'AFTER_SEQUENCE_NUMBER':
      return p.type;
    case 'AT_TIMESTAMP':
      // Lambda accepts AT_TIMESTAMP for Kinesis only; DynamoDB Streams has no such iterator.
      throw new ShardReadError('DynamoDB Streams has no AT_TIMESTAMP iterator (Lambda allows TRIM_HORIZON or LATEST)');
  }
}

async function openStreamShard(
  o: DynamoDbSourceOptions,
  shardId: string,
  position: StartPosition,
): Promise<ShardReader> {
  let lastSeq: string | undefined;
  const fresh = async (): Promise<string | undefined> => {
    const p: StartPosition =
      lastSeq === undefined ? position : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSeq };
    authorizePollerCall(o.executionRole, 'dynamodb:GetShardIterator', o.streamArn);
    const out = await o.client.send(
      new GetShardIteratorCommand({
        StreamArn: o.streamArn,
        ShardId: shardId,
        ShardIteratorType: iteratorType(p),
        ...(p.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: p.sequenceNumber } : {}),
      }),
    );
    return out.ShardIterator;
  };
  let iterator = await fresh();
  return {
    async read(limit: number): Promise<ReadResult> {
      if (iterator === undefined) return { records: [], millisBehindLatest: undefined, caughtUp: true, ended: true };
      const max = Math.min(limit, DYNAMODB_STREAMS_READ_LIMIT);
      let out;
      // Outside the try: a denied read is the role's problem, not the shard's.
      authorizePollerCall(o.executionRole, 'dynamodb:GetRecords', o.streamArn);
      try {
        out = await o.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: max }));
      } catch (error) {
        if (error instanceof ExpiredIteratorException) {
          iterator = await fresh();
          return { records: [], millisBehindLatest: undefined, caughtUp: false, ended: false };
        }
        if (error instanceof TrimmedDataAccessException) {
          // The checkpoint is older than the 24 h retention: resume at the oldest record kept.
          lastSeq = undefined;
          position = { type: 'TRIM_HORIZON' };
          iterator = await fresh();
          return { records: [], millisBehindLatest: undefined, caughtUp: false, ended: false };
        }
        throw new ShardReadError(`GetRecords failed on ${shardId}: ${errorMessage(error)}`, { cause: error });
      }
      const raw = out.Records ?? [];
      const records = raw.map((r) => toSourceRecord(r, o));
      const last = records[records.length - 1];
      if (last) lastSeq = last.sequenceNumber;
      iterator = out.NextShardIterator;
      return { records, millisBehindLatest: undefined, caughtUp: raw.length < max, ended: iterator === undefined };
    },
  };
}

/** The table's stream as a source of shards. */
export function dynamoDbSource(o: DynamoDbSourceOptions): ShardSource {
  return {
    kind: 'dynamodb',
    arn: o.streamArn,
    async listShards(): Promise<ShardInfo[]> {
      const shards: ShardInfo[] = [];
      let start: string | undefined;
      do {
        authorizePollerCall(o.executionRole, 'dynamodb:DescribeStream', o.streamArn);
        const out = await o.client.send(
          new DescribeStreamCommand({
            StreamArn: o.streamArn,
            ...(start === undefined ? {} : { ExclusiveStartShardId: start }),
          }),
        );
        for (const s of out.StreamDescription?.Shards ?? []) {
          if (s.ShardId)
            shards.push({ shardId: s.ShardId, ...(s.ParentShardId ? { parentShardId: s.ParentShardId } : {}) });
        }
        start = out.StreamDescription?.LastEvaluatedShardId;
      } while (start !== undefined);
      return shards;
    },
    openShard: (shardId, position) => openStreamShard(o, shardId, position),
  };
}
