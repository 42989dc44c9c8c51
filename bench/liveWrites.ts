/**
 * live.writesPerShardWindow: the aggregator's DynamoDB write calls per
 * (race, shard, window) when every window's records arrive in order and each
 * window closes once — the bound the live path's design rests on (at most one
 * write per race and shard per window). The real aggregator runs against
 * DynamoDB Local on one race-minute of 1,000 riders over 4 shards, 5-second
 * tumbling windows, its write calls counted as the SDK sends them
 * (bench/countingClient.ts).
 *
 * The write reduction against a per-record design is measured under real
 * timing by the ingest benchmark (live.writeReduction, bench/ingest.ts); this
 * module checks the bound it stands on, with no timing in play.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHash } from 'node:crypto';
import { createAggregator } from '../functions/aggregator/aggregator.js';
import type { KinesisEventRecord } from '../functions/runtime/kinesisRecord.js';
import { raceStartMillis } from '../core/raceClock.js';
import type { TelemetryRecord } from '../core/telemetry.js';
import { RACE } from '../infra/settings.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../local/credentials.js';
import { startDynamoDbLocal } from '../local/emulators/dynamodbLocal.js';
import { ensureTable } from '../local/stack/resources.js';
import { createClassFeed } from '../local/simulator/classFeed.js';
import { countingClient } from './countingClient.js';
import type { BenchOptions, BenchResult } from './types.js';

const RIDERS = 1000;
const SHARDS = 4;
const RACE_SECONDS = RACE.raceSeconds;
const WINDOW_SECONDS = RACE.windowSeconds;
const RACE_ID = 5_950_000;

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

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  // The figure is per window, so the quick run measures 10 s.
  const seconds = opts.quick ? 10 : 60;
  const ddbLocal = await startDynamoDbLocal();
  try {
    const setup = new DynamoDBClient({
      endpoint: ddbLocal.endpoint,
      region: LOCAL_REGION,
      credentials: EMULATOR_CREDENTIALS,
    });
    await ensureTable(setup, 'bench-ours');
    setup.destroy();

    // `seconds` seconds of a 1,000-rider race from the simulator's riders.
    const feed = createClassFeed({ classId: 5, racers: RIDERS, raceSeconds: RACE_SECONDS });
    const perSecond: TelemetryRecord[][] = [];
    for (let s = 0; s < seconds; s += 1)
      perSecond.push(feed.recordsUntil(raceStartMillis(RACE_ID, RACE_SECONDS) + s * 1000 + 10));
    const total = perSecond.reduce((n, r) => n + r.length, 0);

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
    let closes = 0;
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
          if (mine.length === 0) return;
          closes += 1;
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

    const ourWrites = ours.writes();
    ours.destroy();
    if (ourWrites === 0) throw new Error('the aggregator sent no writes: the benchmark is broken');
    console.error(
      `liveWrites: ${total} records over ${seconds} s; ${closes} window closes (race, shard, window); ${ourWrites} write calls`,
    );
    return [
      {
        metric: 'live.writesPerShardWindow',
        value: Math.round((ourWrites / closes) * 1000) / 1000,
        unit: 'writes',
        target: 1,
        better: 'lower',
        note: `${ourWrites.toLocaleString('en-US')} write calls for ${total.toLocaleString(
          'en-US',
        )} records in ${closes} window closes`,
      },
    ];
  } finally {
    await ddbLocal.stop();
  }
}
