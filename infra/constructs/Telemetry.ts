/**
 * The telemetry stream: one record per rider per second,
 * partition key racerId.
 *
 * Sizing: a Kinesis shard takes at most 1,000 records/s (and 1 MB/s) of
 * writes. One record per rider per second means one shard per 1,000 riders
 * riding at once: six classes of 1,000 riders are 6,000 records/s, so at
 * least 6 shards; the default (STREAM.defaultShardCount = 8) adds a third of
 * headroom for producer retries and bursts. The count is a CloudFormation
 * parameter so it can be raised at deploy time; its default can be set at
 * synth time with `-c shardCount=N`.
 */
import { CfnParameter, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { STREAM } from '../settings.js';

export interface TelemetryProps {
  /** Default of the ShardCount parameter (context `shardCount`). */
  readonly defaultShardCount: number;
}

/** The provisioned, encrypted Kinesis stream the API writes and two consumers read. */
export class Telemetry extends Construct {
  readonly stream: Stream;
  readonly shardCount: CfnParameter;

  constructor(scope: Construct, id: string, props: TelemetryProps) {
    super(scope, id);
    this.shardCount = new CfnParameter(scope, 'ShardCount', {
      type: 'Number',
      default: props.defaultShardCount,
      minValue: 1,
      maxValue: STREAM.maxShardCount,
      description:
        'Shards of the telemetry stream: one per 1,000 riders riding at once (1,000 records/s per shard), plus headroom.',
    });
    this.stream = new Stream(this, 'Stream', {
      streamMode: StreamMode.PROVISIONED,
      shardCount: this.shardCount.valueAsNumber,
      retentionPeriod: Duration.hours(STREAM.retentionHours),
      // Server-side encryption with the AWS managed key (aws/kinesis): producers
      // and consumers need no extra KMS permissions.
      encryption: StreamEncryption.MANAGED,
      // Telemetry is input, not the product: the results are in the table (retained). A deleted
      // stage stops paying for its shards.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
