/**
 * The per-record design of the live path, actually run: a consumer that reads
 * the telemetry stream from its start (TRIM_HORIZON, shard by shard, in
 * order) and writes every record as one conditional PutItem of the rider's
 * live item (newer second wins), against DynamoDB Local — what a consumer
 * without aggregation must do. Its write calls are counted as sent
 * (bench/countingClient.ts); a put refused by its condition still counts, as
 * DynamoDB bills it.
 *
 * The ingest benchmark runs it after its race on the same stream, so it sees
 * exactly the records the aggregator saw; `belowSecond` limits it to the
 * race's first seconds when the whole race would take too long.
 */
import { ConditionalCheckFailedException, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { racePk } from '../core/keys.js';
import type { TelemetryRecord } from '../core/telemetry.js';
import { localDynamoDb, localKinesis } from '../local/stack/clients.js';
import { countingClient } from './countingClient.js';

export interface PerRecordPlan {
  kinesisEndpoint: string;
  streamName: string;
  dynamodbEndpoint: string;
  raceId: number;
  /** Only the race's records of seconds below this (the stream holds seconds in order per shard). */
  belowSecond: number;
  /** Puts in flight (default 32). */
  concurrency?: number;
}

export interface PerRecordRun {
  /** Records of the race consumed. */
  records: number;
  /** Write calls sent (one per record). */
  writeCalls: number;
  /** Of those, puts refused by their condition (an older second arriving after a newer one). */
  conditionFailures: number;
  ms: number;
}

const TABLE = 'bench-per-record-live';
const decoder = new TextDecoder();

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        if (item !== undefined) await fn(item);
      }
    }),
  );
}

/** Runs the per-record consumer over the race's records below `belowSecond`. */
export async function runPerRecordConsumer(plan: PerRecordPlan): Promise<PerRecordRun> {
  const setup = localDynamoDb(plan.dynamodbEndpoint);
  await setup.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  setup.destroy();
  const kinesis = localKinesis(plan.kinesisEndpoint);
  const writer = countingClient(plan.dynamodbEndpoint);
  const started = Date.now();
  let records = 0;
  let conditionFailures = 0;
  const put = async (r: TelemetryRecord): Promise<void> => {
    try {
      await writer.ddb.send(
        new PutCommand({
          TableName: TABLE,
          Item: { PK: racePk(r.classId, r.raceId), SK: `LIVE#${r.racerId}`, output: r.output, second: r.second },
          ConditionExpression: 'attribute_not_exists(PK) OR #s < :s',
          ExpressionAttributeNames: { '#s': 'second' },
          ExpressionAttributeValues: { ':s': r.second },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      conditionFailures += 1;
    }
  };
  try {
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: plan.streamName }))).Shards ?? [];
    // One reader per shard, as the event-source mapping has; each shard's records in order.
    await Promise.all(
      shards.map(async (shard) => {
        let iterator = (
          await kinesis.send(
            new GetShardIteratorCommand({
              StreamName: plan.streamName,
              ShardId: shard.ShardId,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator;
        while (iterator !== undefined) {
          const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
          const batch = (out.Records ?? []).map((k) => JSON.parse(decoder.decode(k.Data)) as TelemetryRecord);
          const mine = batch.filter((r) => r.raceId === plan.raceId && r.second < plan.belowSecond);
          records += mine.length;
          await inParallel(mine, plan.concurrency ?? 32, put);
          const past = batch.some((r) => r.raceId === plan.raceId && r.second >= plan.belowSecond);
          // The end of the shard's records: an empty read that is not behind.
          if (past || (batch.length === 0 && (out.MillisBehindLatest ?? 0) === 0)) break;
          iterator = out.NextShardIterator;
        }
      }),
    );
  } finally {
    kinesis.destroy();
  }
  const writeCalls = writer.writes();
  writer.destroy();
  return { records, writeCalls, conditionFailures, ms: Date.now() - started };
}
