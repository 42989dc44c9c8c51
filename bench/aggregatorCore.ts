/**
 * aggregator.recordsPerSecond: the aggregator's pure core — base64 decode,
 * JSON parse, contract §2 validation and merge into the window state — on one
 * core, over realistic records (1,000 riders, consecutive seconds, as Lambda
 * delivers them: batches of MAPPINGS.aggregator.batchSize).
 */
import { foldBatch } from '../functions/aggregator/foldBatch.js';
import { emptyState } from '../functions/aggregator/windowState.js';
import type { KinesisEventRecord } from '../functions/shared/kinesisRecord.js';
import { MAPPINGS } from '../infra/settings.js';
import { createClassFeed } from '../local/simulator/classFeed.js';
import { raceStartMillis } from '../core/raceClock.js';
import type { BenchOptions, BenchResult } from './types.js';

const RACE_SECONDS = 300;
const RACE_ID = 5_900_000;

/** Kinesis event records of `seconds` seconds of a 1,000-rider race, from the simulator's riders. */
function makeRecords(seconds: number): KinesisEventRecord[] {
  const feed = createClassFeed({ classId: 3, racers: 1000, raceSeconds: RACE_SECONDS });
  const out: KinesisEventRecord[] = [];
  const arrival = RACE_ID * RACE_SECONDS + 100;
  let seq = 0;
  for (let s = 0; s < seconds; s += 1) {
    for (const r of feed.recordsUntil(raceStartMillis(RACE_ID, RACE_SECONDS) + s * 1000 + 10)) {
      seq += 1;
      out.push({
        eventID: `shardId-000000000000:${seq}`,
        kinesis: {
          data: Buffer.from(JSON.stringify(r), 'utf8').toString('base64'),
          sequenceNumber: String(seq),
          partitionKey: r.racerId,
          approximateArrivalTimestamp: arrival,
        },
      });
    }
  }
  return out;
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const records = makeRecords(opts.quick ? 20 : 60);
  const batch = MAPPINGS.aggregator.batchSize;
  const batches: KinesisEventRecord[][] = [];
  for (let i = 0; i < records.length; i += batch) batches.push(records.slice(i, i + batch));
  const pass = (): number => {
    // A window's worth: the state carries over batches, as Lambda carries it between invocations.
    const state = emptyState();
    let malformed = 0;
    const t0 = process.hrtime.bigint();
    for (const b of batches) malformed += foldBatch(state, b, RACE_SECONDS).malformed.length;
    const ns = Number(process.hrtime.bigint() - t0);
    if (malformed > 0) throw new Error(`benchmark records must be valid, ${malformed} were not`);
    return (records.length / ns) * 1e9;
  };
  for (let i = 0; i < 3; i += 1) pass(); // warm-up (JIT)
  const rates: number[] = [];
  const passes = opts.quick ? 5 : 15;
  for (let i = 0; i < passes; i += 1) {
    rates.push(pass());
    opts.progress?.(`pass ${i + 1}/${passes}`);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  return [{ metric: 'aggregator.recordsPerSecond', value: Math.round(median), unit: 'records/s', target: 1_000_000, better: 'higher' }];
}
