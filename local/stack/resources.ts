/**
 * Creates the table and the Kinesis stream locally from the same settings the
 * CDK stack uses (infra/settings.ts), so local and cloud cannot drift.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type CreateTableCommandInput,
  DescribeTimeToLiveCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  IncreaseStreamRetentionPeriodCommand,
  DescribeStreamSummaryCommand,
  ResourceInUseException as KinesisResourceInUse,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { STREAM, TABLE } from '../../infra/settings.js';

/** CreateTable input derived from TABLE (also compared with the synthesized template in a test). */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  const attrs = new Map<string, 'S' | 'N'>();
  const add = (k: { name: string; type: 'S' | 'N' }) => attrs.set(k.name, k.type);
  add(TABLE.partitionKey);
  add(TABLE.sortKey);
  for (const gsi of TABLE.globalSecondaryIndexes) {
    add(gsi.partitionKey);
    add(gsi.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: TABLE.billingMode,
    AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: g.projection },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamViewType },
  };
}

/**
 * Creates the table if it does not exist; returns its stream ARN. A table kept
 * from an earlier run whose stream has another view type than the settings
 * (the stream view type changed: NEW_IMAGE became NEW_AND_OLD_IMAGES) gets a
 * new stream of the right type, as CloudFormation does on AWS: DynamoDB
 * cannot change a stream's view type, only disable it and enable a new one.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<string> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  let desc = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const spec = desc.Table?.StreamSpecification;
  if (spec?.StreamEnabled !== true || spec.StreamViewType !== TABLE.streamViewType) {
    if (spec?.StreamEnabled === true) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: false } }),
      );
    }
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamViewType },
      }),
    );
    desc = await client.send(new DescribeTableCommand({ TableName: tableName }));
  }
  await ensureTimeToLive(client, tableName);
  const arn = desc.Table?.LatestStreamArn;
  if (!arn) throw new Error(`table ${tableName} has no stream`);
  return arn;
}

/** The table's TTL attribute, as the CDK stack sets it (TABLE.timeToLiveAttribute); also on a table kept from an earlier run. */
export async function ensureTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const d = ttl.TimeToLiveDescription;
  if (d?.TimeToLiveStatus === 'ENABLED' && d.AttributeName === TABLE.timeToLiveAttribute) return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: TABLE.timeToLiveAttribute },
    }),
  );
}

/**
 * kinesalite validates retention against Kinesis's former maximum of 168 hours
 * (AWS now allows 8,760): the local stream keeps the deployed retention up to that.
 */
export function localRetentionHours(deployedHours: number): number {
  return Math.min(deployedHours, 168);
}

/** Creates the stream if it does not exist and waits until it is ACTIVE; returns its ARN. */
export async function ensureStream(client: KinesisClient, streamName: string, shardCount: number): Promise<string> {
  try {
    await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  } catch (err) {
    if (!(err instanceof KinesisResourceInUse)) throw err;
  }
  for (let i = 0; i < 100; i += 1) {
    const d = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const s = d.StreamDescriptionSummary;
    if (s?.StreamStatus === 'ACTIVE' && s.StreamARN) {
      // The deployed stream's retention (infra/settings.ts STREAM), as far as the emulator takes it.
      const hours = localRetentionHours(STREAM.retentionHours);
      if ((s.RetentionPeriodHours ?? 24) < hours) {
        await client.send(
          new IncreaseStreamRetentionPeriodCommand({ StreamName: streamName, RetentionPeriodHours: hours }),
        );
      }
      return s.StreamARN;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`stream ${streamName} did not become ACTIVE`);
}
