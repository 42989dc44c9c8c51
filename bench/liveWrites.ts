/**
 * live.writesPerShardWindow: the aggregator's DynamoDB write calls per
 * (race, shard, window) when every window's records arrive in order and each
 * window closes once — the bound the live path's design rests on (at most one
 * write per race and shard per window). The real aggregator runs against
 * DynamoDB Local on one race-minute of 1,000 riders over 4 shards, 5-second
 * tumbling windows, its write calls counted as the SDK sends them
 * (bench/countingClient.ts), by kind and with the write units DynamoDB
 * reports. live.writesPerShardWindowSixClasses is the same for our own load,
 * 6 classes of 1,000 riders racing at once: one close then writes six parts,
 * and the window's six boards.
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
import type { KindCount } from './countingClient.js';
import { countingClient } from './countingClient.js';
import type { WriteKind } from './writeKind.js';
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

/** The write calls by kind, e.g. `part 48 calls / 563 WCU, windowClaim 30 (18 refused) / 12 WCU`. */
function describeKinds(kinds: Partial<Record<WriteKind, KindCount>>): string {
  return Object.entries(kinds)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([kind, c]) =>
        `${kind} ${c.calls}${c.refused > 0 ? ` (${c.refused} refused)` : ''} / ${Math.round(c.units * 10) / 10} WCU`,
    )
    .join(', ');
}

/** What one scenario measured. */
interface Measured {
  records: number;
  closes: number;
  calls: number;
  kinds: string;
  /** Calls and closes of the race's first window, which also admits every rider (once per race). */
  startCalls: number;
  startCloses: number;
}

/**
 * `seconds` seconds of a race of RIDERS riders in each class of `classes`
 * (the simulator's riders), closed by the real aggregator: per shard, one
 * tumbling window every WINDOW_SECONDS, records delivered in batches of 1,000,
 * every shard's window closed at the same instant.
 */
async function measure(
  endpoint: string,
  tableName: string,
  classes: readonly number[],
  seconds: number,
  opts: BenchOptions,
): Promise<Measured> {
  const feeds = classes.map((classId) => createClassFeed({ classId, racers: RIDERS, raceSeconds: RACE_SECONDS }));
  const perSecond: TelemetryRecord[][] = [];
  for (let s = 0; s < seconds; s += 1)
    perSecond.push(feeds.flatMap((feed) => feed.recordsUntil(raceStartMillis(RACE_ID, RACE_SECONDS) + s * 1000 + 10)));
  const records = perSecond.reduce((n, r) => n + r.length, 0);

  const ours = countingClient(endpoint);
  const aggregator = createAggregator({
    ddb: ours.ddb,
    tableName,
    raceSeconds: RACE_SECONDS,
    publish: async () => {}, // publishing is an AppSync call, not a DynamoDB write
    logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
    clock: { now: () => Date.now() },
  });
  let seq = 0;
  let closes = 0;
  let startCalls = 0;
  let startCloses = 0;
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
        // One close per race the shard saw in the window.
        closes += new Set(mine.map((r) => r.classId)).size;
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
    if (w === 0) {
      startCalls = ours.writes();
      startCloses = closes;
    }
    opts.progress?.(`${classes.length} class(es): window ${w + 1}/${Math.ceil(seconds / WINDOW_SECONDS)}`);
  }
  const calls = ours.writes();
  const kinds = describeKinds(ours.byKind());
  ours.destroy();
  if (calls === 0) throw new Error('the aggregator sent no writes: the benchmark is broken');
  return { records, closes, calls, kinds, startCalls, startCloses };
}

function resultOf(metric: string, m: Measured, what: string): BenchResult {
  const steady =
    m.closes > m.startCloses
      ? `; the race's first window ${m.startCalls} calls in ${m.startCloses} closes, the windows after it ${
          Math.round(((m.calls - m.startCalls) / (m.closes - m.startCloses)) * 100) / 100
        } per close`
      : '';
  const note = `${what}: ${m.calls.toLocaleString('en-US')} write calls for ${m.records.toLocaleString(
    'en-US',
  )} records in ${m.closes} window closes: ${m.kinds}${steady}`;
  console.error(`liveWrites: ${note}`);
  return {
    metric,
    value: Math.round((m.calls / m.closes) * 1000) / 1000,
    unit: 'writes',
    target: 1,
    better: 'lower',
    note,
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
    await ensureTable(setup, 'bench-one');
    await ensureTable(setup, 'bench-six');
    setup.destroy();
    const one = await measure(ddbLocal.endpoint, 'bench-one', [5], seconds, opts);
    // Our own load (the ingest benchmark's): every class races at once, and one close writes each race's part.
    const six = await measure(ddbLocal.endpoint, 'bench-six', [1, 2, 3, 4, 5, 6], seconds, opts);
    return [
      resultOf('live.writesPerShardWindow', one, `one class of ${RIDERS.toLocaleString('en-US')} riders`),
      resultOf('live.writesPerShardWindowSixClasses', six, `6 classes of ${RIDERS.toLocaleString('en-US')} riders`),
    ];
  } finally {
    await ddbLocal.stop();
  }
}
