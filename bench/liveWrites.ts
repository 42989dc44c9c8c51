/**
 * live.writeReduction: DynamoDB write calls of the live path for one
 * race-minute at 1,000 riders over 4 shards, a per-record design versus ours,
 * measured side by side in one run against DynamoDB Local by counting the
 * write calls the SDK actually sends (PutItem, UpdateItem, BatchWriteItem,
 * DeleteItem, TransactWriteItems).
 *
 * - Per-record design: every telemetry record is one conditional PutItem of
 *   the rider's live item (what a consumer without aggregation must do).
 * - Ours: the aggregator over 5-second tumbling windows per shard, at most one
 *   write per (race, shard) per window.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { createAggregator } from '../functions/aggregator/aggregator.js';
import type { KinesisEventRecord } from '../functions/runtime/kinesisRecord.js';
import { racePk } from '../core/keys.js';
import { raceStartMillis } from '../core/raceClock.js';
import type { TelemetryRecord } from '../core/telemetry.js';
import { RACE } from '../infra/settings.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/credentials.js';
import { startDynamoDbLocal } from '../local/emulators/dynamodbLocal.js';
import { ensureTable } from '../local/stack/resources.js';
import { createClassFeed } from '../local/simulator/classFeed.js';
import type { BenchOptions, BenchResult } from './types.js';

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'BatchWriteItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
]);
const RIDERS = 1000;
const SHARDS = 4;
const RACE_SECONDS = RACE.raceSeconds;
const WINDOW_SECONDS = RACE.windowSeconds;
const RACE_ID = 5_950_000;

/** A document client whose write calls are counted (an SDK middleware sees every command sent). */
function countingClient(endpoint: string): { ddb: DynamoDBDocumentClient; writes: () => number } {
  let writes = 0;
  const base = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  base.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(String(context.commandName))) writes += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return {
    ddb: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }),
    writes: () => writes,
  };
}

/** Kinesis's shard of a partition key: the MD5 hash key range, split evenly. */
function shardOf(partitionKey: string): number {
  const hash = BigInt(`0x${createHash('md5').update(partitionKey).digest('hex')}`);
  return Number((hash * BigInt(SHARDS)) >> 128n);
}

function asEventRecord(r: TelemetryRecord, shard: number, seq: number, arrivalSeconds: number): KinesisEventRecord {
  return {
    eventID: `shardId-00000000000${shard}:${seq}`,
    kinesis: {
      data: Buffer.from(JSON.stringify(r)).toString('base64'),
      sequenceNumber: String(seq),
      partitionKey: r.racerId,
      approximateArrivalTimestamp: arrivalSeconds,
    },
  };
}

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

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  // The ratio is per window (riders × window seconds ÷ shards), so the quick run measures 10 s.
  const seconds = opts.quick ? 10 : 60;
  const ddbLocal = await startDynamoDbLocal();
  try {
    const setup = new DynamoDBClient({
      endpoint: ddbLocal.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    await ensureTable(setup, 'bench-per-record');
    await ensureTable(setup, 'bench-ours');
    setup.destroy();

    // The same telemetry for both: `seconds` seconds of a 1,000-rider race from the simulator's riders.
    const feed = createClassFeed({ classId: 5, racers: RIDERS, raceSeconds: RACE_SECONDS });
    const perSecond: TelemetryRecord[][] = [];
    for (let s = 0; s < seconds; s += 1)
      perSecond.push(feed.recordsUntil(raceStartMillis(RACE_ID, RACE_SECONDS) + s * 1000 + 10));
    const total = perSecond.reduce((n, r) => n + r.length, 0);

    // Per-record design.
    const perRecord = countingClient(ddbLocal.endpoint);
    let done = 0;
    for (const recs of perSecond) {
      await inParallel(recs, 32, async (r) => {
        await perRecord.ddb.send(
          new PutCommand({
            TableName: 'bench-per-record',
            Item: {
              PK: racePk(r.classId, r.raceId),
              SK: `LIVE#${r.racerId}`,
              output: r.output,
              second: r.second,
              name: r.name,
            },
            ConditionExpression: 'attribute_not_exists(PK) OR #s < :s',
            ExpressionAttributeNames: { '#s': 'second' },
            ExpressionAttributeValues: { ':s': r.second },
          }),
        );
      });
      done += 1;
      opts.progress?.(`per-record design: second ${done}/${seconds}`);
    }

    // Ours: per shard, one tumbling window every WINDOW_SECONDS, records delivered in batches of 1,000.
    const ours = countingClient(ddbLocal.endpoint);
    const aggregator = createAggregator({
      ddb: ours.ddb,
      tableName: 'bench-ours',
      raceSeconds: RACE_SECONDS,
      publish: async () => {}, // publishing is an AppSync call, not a DynamoDB write
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
      clock: { now: () => Date.now() },
    });
    let seq = 0;
    for (let w = 0; w * WINDOW_SECONDS < seconds; w += 1) {
      const windowRecs = perSecond.slice(w * WINDOW_SECONDS, (w + 1) * WINDOW_SECONDS).flat();
      const startMs = raceStartMillis(RACE_ID, RACE_SECONDS) + w * WINDOW_SECONDS * 1000;
      const window = {
        start: new Date(startMs).toISOString(),
        end: new Date(startMs + WINDOW_SECONDS * 1000).toISOString(),
      };
      await Promise.all(
        Array.from({ length: SHARDS }, async (_, shard) => {
          const mine = windowRecs.filter((r) => shardOf(r.racerId) === shard);
          let state: unknown = {};
          for (let i = 0; i < mine.length; i += 1000) {
            const batch = mine
              .slice(i, i + 1000)
              .map((r) => asEventRecord(r, shard, (seq += 1), RACE_ID * RACE_SECONDS + r.second));
            state = (await aggregator({ Records: batch, state, window, shardId: `shardId-00000000000${shard}` })).state;
          }
          await aggregator({
            Records: [],
            state,
            window,
            isFinalInvokeForWindow: true,
            shardId: `shardId-00000000000${shard}`,
          });
        }),
      );
      opts.progress?.(`our design: window ${w + 1}/${Math.ceil(seconds / WINDOW_SECONDS)}`);
    }

    const perRecordWrites = perRecord.writes();
    const ourWrites = ours.writes();
    if (perRecordWrites !== total)
      throw new Error(`per-record design sent ${perRecordWrites} writes for ${total} records`);
    if (ourWrites === 0) throw new Error('our design sent no writes: the benchmark is broken');
    console.error(
      `liveWrites: ${total} records over ${seconds} s; per-record writes ${perRecordWrites}, ours ${ourWrites}`,
    );
    return [
      {
        metric: 'live.writeReduction',
        value: Math.round((perRecordWrites / ourWrites) * 10) / 10,
        unit: 'x',
        target: 1000,
        better: 'higher',
      },
    ];
  } finally {
    await ddbLocal.stop();
  }
}
