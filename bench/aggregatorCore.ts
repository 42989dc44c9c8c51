/**
 * aggregator.recordsPerSecond: the aggregator's pure core — base64 decode,
 * JSON parse, telemetry validation and merge into the window state — on one
 * core, over realistic records as one shard carries them (partition key =
 * racerId, so a shard sees riders of every class): 1,000 riders of three
 * classes from the simulator's rider model, consecutive seconds, interleaved;
 * about 1% replays (Kinesis delivers at least once) and 1% late records (a few
 * seconds behind, out of order); some riders with non-ASCII names; arrival
 * times that follow the race clock. Lambda delivers them in batches of
 * MAPPINGS.aggregator.batchSize, and the window state carries over the batches:
 * each batch is one invocation, which reads the state as the handler does
 * (readState) and folds the batch into it (foldBatch).
 *
 * The fair-play rules (core/fairPlay.ts) are measured side by side: the same
 * batches folded with them (as deployed: the reported figure) and without,
 * passes alternating so that both see the same machine load; the ratio of
 * the medians is the rules' cost (the budget is 10 %).
 */
import { foldBatch } from '../functions/aggregator/foldBatch.js';
import { emptyState, readState } from '../functions/aggregator/windowState.js';
import type { KinesisEventRecord } from '../functions/runtime/kinesisRecord.js';
import { MAPPINGS } from '../infra/settings.js';
import { createClassFeed } from '../local/simulator/classFeed.js';
import { raceStartMillis } from '../core/raceClock.js';
import type { TelemetryRecord } from '../core/telemetry.js';
import type { BenchOptions, BenchResult } from './types.js';
import { seededRandom } from '../local/simulator/prng.js';

const RACE_SECONDS = 300;
const RACE_ID = 5_900_000;
/** 1,000 riders in all, as three classes sharing the shard. */
const CLASSES = [
  { classId: 1, racers: 400 },
  { classId: 3, racers: 350 },
  { classId: 5, racers: 250 },
];
/** Letters some riders spell with diacritics (multi-byte UTF-8 in their records). */
const ACCENTS: Record<string, string> = { a: 'á', e: 'ë', o: 'ø', u: 'ü', i: 'í', n: 'ñ' };

/** Kinesis event records of `seconds` seconds of a race of 1,000 riders, in shard order. */
export function makeRecords(seconds: number): KinesisEventRecord[] {
  const random = seededRandom(42);
  const feeds = CLASSES.map((c) =>
    createClassFeed({ classId: c.classId, racers: c.racers, raceSeconds: RACE_SECONDS }),
  );
  const start = raceStartMillis(RACE_ID, RACE_SECONDS);
  // Records held back to arrive a few seconds late, by the second they arrive in.
  const late = new Map<number, TelemetryRecord[]>();
  const out: KinesisEventRecord[] = [];
  let seq = 0;
  const put = (r: TelemetryRecord, arrivalSeconds: number): void => {
    seq += 1;
    out.push({
      eventID: `shardId-000000000000:${seq}`,
      kinesis: {
        data: Buffer.from(JSON.stringify(r), 'utf8').toString('base64'),
        sequenceNumber: String(seq),
        partitionKey: r.racerId,
        approximateArrivalTimestamp: arrivalSeconds,
      },
    });
  };
  for (let s = 0; s < seconds; s += 1) {
    const now = start + s * 1000 + 10;
    const due: TelemetryRecord[] = [];
    for (const feed of feeds) due.push(...feed.recordsUntil(now));
    // Riders' clocks differ: their records of one second arrive interleaved.
    for (let i = due.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [due[i], due[j]] = [due[j] as TelemetryRecord, due[i] as TelemetryRecord];
    }
    due.push(...(late.get(s) ?? []));
    late.delete(s);
    const arrival = (now + 200) / 1000;
    for (const r of due) {
      if (r.name !== undefined && r.racerId.endsWith('3')) r.name = r.name.replace(/[aeouin]/g, (c) => ACCENTS[c] ?? c);
      const roll = random();
      if (roll < 0.01) {
        const delay = 1 + Math.floor(random() * 5);
        late.set(s + delay, [...(late.get(s + delay) ?? []), r]);
        continue;
      }
      put(r, arrival);
      if (roll > 0.99) put(r, arrival); // a replay
    }
  }
  return out;
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const records = makeRecords(opts.quick ? 20 : 60);
  const batch = MAPPINGS.aggregator.batchSize;
  const batches: KinesisEventRecord[][] = [];
  for (let i = 0; i < records.length; i += batch) batches.push(records.slice(i, i + batch));
  /** One window's worth; returns [records/s of wall-clock time, records/s of this process's CPU time]. */
  const pass = (fairPlay: boolean): [number, number] => {
    // The state carries over batches, as Lambda carries it between invocations; each
    // invocation reads it as the handler does (readState: its own copy to update in place).
    let state = emptyState();
    let malformed = 0;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (const b of batches) {
      state = readState(state);
      malformed += foldBatch(state, b, RACE_SECONDS, undefined, fairPlay).malformed.length;
    }
    const ns = Number(process.hrtime.bigint() - t0);
    const cpu = process.cpuUsage(cpu0);
    if (malformed > 0) throw new Error(`benchmark records must be valid, ${malformed} were not`);
    // The simulator's riders are honest: a flag here would mean records were refused, not measured.
    for (const checks of Object.values(state.f ?? {}))
      for (const t of Object.values(checks)) if (t[3] !== 0) throw new Error('benchmark riders must not be flagged');
    return [(records.length / ns) * 1e9, (records.length / (cpu.user + cpu.system)) * 1e6];
  };
  // Warm-up (JIT): about 150,000 records per variant however short the run, so that --quick measures
  // the same optimized code as a full run (a Lambda container stays warm across invocations).
  const warmups = Math.max(3, Math.ceil(150_000 / records.length));
  for (let i = 0; i < warmups; i += 1) {
    pass(true);
    pass(false);
  }
  const rates: number[] = [];
  const cpuRates: number[] = [];
  const bareRates: number[] = [];
  /** with/without of each pair of adjacent passes: both ran under the same machine load. */
  const ratios: number[] = [];
  const passes = opts.quick ? 7 : 15;
  for (let i = 0; i < passes; i += 1) {
    // Alternating which goes first, so that neither variant always runs right after the other.
    const bareFirst = i % 2 === 0 ? pass(false)[0] : undefined;
    const [wall, cpu] = pass(true);
    const bare = bareFirst ?? pass(false)[0];
    rates.push(wall);
    cpuRates.push(cpu);
    bareRates.push(bare);
    ratios.push(wall / bare);
    opts.progress?.(`pass ${i + 1}/${passes}`);
  }
  const byValue = (a: number, b: number): number => a - b;
  rates.sort(byValue);
  cpuRates.sort(byValue);
  bareRates.sort(byValue);
  ratios.sort(byValue);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  const bareMedian = bareRates[Math.floor(bareRates.length / 2)] ?? 0;
  const ratio = ratios[Math.floor(ratios.length / 2)] ?? 0;
  // The figure is wall-clock time; on a loaded machine the CPU-time rate tells how much of
  // the gap is other processes' (other engineers share this machine).
  const k = (v: number | undefined): string => `${Math.round((v ?? 0) / 1000)}k`;
  opts.progress?.(
    `wall-clock records/s min ${k(rates[0])} median ${k(median)} max ${k(rates[rates.length - 1])}; ` +
      `CPU-time median ${k(cpuRates[Math.floor(cpuRates.length / 2)])}; ` +
      `without fair play median ${k(bareMedian)}; with/without (median of adjacent pairs) ${ratio.toFixed(3)}`,
  );
  return [
    {
      metric: 'aggregator.recordsPerSecond',
      value: Math.round(median),
      unit: 'records/s',
      target: 1_000_000,
      better: 'higher',
      note: `without the fair-play rules ${k(bareMedian)}`,
    },
    {
      metric: 'aggregator.fairPlayThroughputRatio',
      value: Math.round(ratio * 1000) / 1000,
      unit: 'x',
      // The rules may cost at most 10 % of recordsPerSecond.
      target: 0.9,
      better: 'higher',
    },
  ];
}
