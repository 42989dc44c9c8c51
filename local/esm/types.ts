/** Types shared by the event-source-mapping runtime's core and its adapters. */

/** The two stream sources Lambda polls that this runtime reproduces. */
export type SourceKind = 'kinesis' | 'dynamodb';

/** A record as the runtime carries it: the Lambda-shaped event record plus what the poller needs. */
export interface SourceRecord {
  /** Kinesis `sequenceNumber` / DynamoDB `SequenceNumber` (also the `itemIdentifier` of batch item failures). */
  readonly sequenceNumber: string;
  /** Approximate arrival (Kinesis) or creation (DynamoDB) time, epoch ms: what record age and tumbling windows use. */
  readonly arrivalMs: number;
  /** Bytes this record adds to the invocation payload (Lambda's payload limit is 6 MB). */
  readonly sizeBytes: number;
  /** The record exactly as Lambda puts it into `event.Records`. */
  readonly eventRecord: object;
  /** What FilterCriteria patterns are matched against (computed only when the mapping has filters). */
  filterSubject(): unknown;
}

/** Where a shard reader starts. AFTER_SEQUENCE_NUMBER is how a checkpoint resumes. */
export type StartPosition =
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestampMs: number }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

/** One GetRecords result, normalised. */
export interface ReadResult {
  readonly records: SourceRecord[];
  /** Kinesis MillisBehindLatest (undefined for DynamoDB Streams, which does not report it). */
  readonly millisBehindLatest: number | undefined;
  /** True when this read reached the tip of the shard (everything put before the read started was returned). */
  readonly caughtUp: boolean;
  /** The shard is closed and every record has been read. */
  readonly ended: boolean;
}

/** Reads one shard forward from where it was opened. */
export interface ShardReader {
  read(limit: number): Promise<ReadResult>;
}

/** A shard as ListShards / DescribeStream report it. */
export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
}

/** A stream the runtime can poll: Kinesis (kinesalite) or DynamoDB Streams (DynamoDB Local). */
export interface ShardSource {
  readonly kind: SourceKind;
  /** The stream ARN (`eventSourceARN` of every record). */
  readonly arn: string;
  listShards(): Promise<ShardInfo[]>;
  openShard(shardId: string, position: StartPosition): Promise<ShardReader>;
}

/** The tumbling window a shard is in, as persisted with its checkpoint. */
export interface WindowCheckpoint {
  readonly startMs: number;
  readonly endMs: number;
  readonly state: unknown;
  readonly firstSequenceNumber?: string;
  readonly lastSequenceNumber?: string;
  readonly firstArrivalMs?: number;
  readonly lastArrivalMs?: number;
}

/** What is persisted per shard: where to resume and the open window. */
export interface ShardCheckpoint {
  readonly position: StartPosition;
  readonly window?: WindowCheckpoint;
}

/** Why a batch was sent to the OnFailure destination (`requestContext.condition` on AWS). */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** Batch metadata of an OnFailure message (AWS: KinesisBatchInfo / DDBStreamBatchInfo). */
export interface BatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  approximateArrivalOfFirstRecord: string;
  approximateArrivalOfLastRecord: string;
  batchSize: number;
  streamArn: string;
}

/** The JSON document Lambda sends to an OnFailure destination for a discarded batch. */
export interface FailureMessage {
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: DiscardCondition;
    approximateInvokeCount: number;
  };
  responseContext?: {
    statusCode: number;
    executedVersion: string;
    functionError?: string;
  };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo?: BatchInfo;
  DDBStreamBatchInfo?: BatchInfo;
}

/** Invokes the function with one event; throws what the function throws (or a timeout). */
export type Invoke = (event: object) => Promise<unknown>;

/** Runtime figures of one shard, for the ops view. */
export interface ShardMetrics {
  shardId: string;
  status: 'running' | 'ended' | 'stopped';
  /** Age of the newest record of the last invocation when it was made (Lambda's IteratorAge); 0 when idle and caught up. */
  iteratorAgeMs: number;
  millisBehindLatest: number | undefined;
  recordsRead: number;
  recordsFiltered: number;
  recordsDelivered: number;
  invocations: number;
  batches: number;
  functionErrors: number;
  retries: number;
  bisections: number;
  partialFailures: number;
  discardedBatches: number;
  discardedRecords: number;
  windowsClosed: number;
  windowsTerminatedEarly: number;
  lastCheckpoint: string | undefined;
}

/** Events a mapping emits (besides `metrics()`). */
export type MappingEvent =
  | { type: 'invoke'; shardId: string; records: number; final: boolean; durationMs: number; error?: Error }
  | { type: 'discard'; shardId: string; message: FailureMessage }
  | { type: 'readError'; shardId: string; error: Error }
  /** Sending a discarded batch's metadata to the OnFailure destination failed; the shard waits and sends again. */
  | { type: 'destinationError'; shardId: string; error: Error }
  | { type: 'checkpoint'; shardId: string; checkpoint: ShardCheckpoint };
