/**
 * End-to-end ingestion on the local stack, stepped until it misses: each step
 * rides one whole race (bench/ingestRace.ts, in its own process:
 * bench/ingestStep.ts) with 6 classes × N riders at 1 Hz, N rising from step
 * to step (bench/ingestSteps.ts), and the module stops at the first step that
 * misses a target. Full: 1,000 riders per class, then +25 % per step (6,000 →
 * 7,500 → 9,000 … records/s, at most 6 steps), full 5-minute races, 5-second
 * windows; each step waits for its own race slot. Quick: 50 riders, then
 * +50 %, 8-second races, 2-second windows, and both steps ridden even when
 * the first misses (so that a stepped-up race is proven on a busy machine
 * too; the knee still ends at the first miss).
 *
 * - ingest.kneeRecordsPerSecond: the highest offered rate whose race kept
 *   every ingest target — iterator age ≤ window + 2 s, freshness p95 ≤
 *   window + 1 s, nothing lost (every planned record put, delivered and shown
 *   to a subscriber); target 1.5 × the first step's rate. The note gives every
 *   step's offered, put and delivered rates and why it missed. When no step
 *   missed, the figure is a floor: the knee lies above;
 *
 * From the first step (the load the README's figures have always been for):
 * - ingest.sustainedRecordsPerSecond: records the aggregator's mapping
 *   delivered ÷ time from its first delivery of the race to its last. With
 *   the offered rate fixed it lands near the offered rate either way; whether
 *   the pipeline keeps up is what the iterator age, the losses and the knee
 *   show;
 * - ingest.producerRecordsPerSecond (context): the rate the generator
 *   achieved. When it falls behind the race clock, its records arrive after
 *   their slot and the functions drop them as late: they count as lost;
 * - ingest.maxIteratorAgeMs: the largest iterator age the aggregator and
 *   finalizer mappings reported, target window + 2 s;
 * - e2e.freshnessP95Ms: per record (rider and second), PutRecords start → the
 *   first `data` message showing that rider at that second or later
 *   (bench/recordFreshness.ts); p95 over every record put, a record never
 *   shown ranked +∞, target window + 1 s. When the p95 falls on such a
 *   record, the figure reported is how long after the last put the
 *   subscribers were still watched (the least such a record waited), marked
 *   so in its note;
 * - e2e.freshnessMissedShare: the share (%) of records put that no subscriber
 *   was shown, target 0;
 * - live.writeReduction: the per-record design's DynamoDB write calls ÷ the
 *   live path's, on the same records: the aggregator's write calls counted
 *   as it sent them during the race (window closes, conflicts, retries, the
 *   claims after the race), and the per-record design run afterwards on the
 *   same stream, one conditional PutItem per record (bench/perRecordConsumer.ts)
 *   on the race's first seconds (full: 10, quick: 2), its calls per record ×
 *   the race's delivered records (the note says so).
 *
 * The bikes send as a fleet of independent devices does: each rider once a
 * second, the riders in groups spread over the second (bench/ingestProducer.ts).
 * INGEST_ARRIVALS=burst makes every rider send at the same instant instead.
 * INGEST_RACE_SECONDS shortens the full races and INGEST_STEPS caps the steps
 * while working on the pipeline (the figures are for 300 s and up to 6 steps).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Arrivals } from './benchRiders.js';
import { CLASSES, type RaceFigures, type RacePlan } from './ingestRace.js';
import { describeCalls } from './liveWriteCounter.js';
import type { StepMessage } from './ingestStep.js';
import { describeStep, ingestTargets, kneeOf, rideSteps } from './ingestSteps.js';
import type { BenchOptions, BenchResult } from './types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const n = (v: number): string => v.toLocaleString('en-US');
/**
 * Race seconds the per-record design is run on (from second 0): a whole full
 * race is 1.8 million puts; the quick run takes a part too, so that it proves
 * the scaling the full run relies on.
 */
const PER_RECORD_SECONDS = { quick: 2, full: 10 };

/** Rides one step's race in its own process. */
function runStep(plan: RacePlan, progress: (message: string) => void): Promise<RaceFigures> {
  const child = fork(path.join(here, 'ingestStep.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let figures: RaceFigures | undefined;
    let failure: string | undefined;
    child.on('message', (m: StepMessage) => {
      if (m.type === 'progress') progress(m.message);
      else if (m.type === 'figures') figures = m.figures;
      else failure = m.message;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (figures) resolve(figures);
      else reject(new Error(failure ?? `the step's process exited (${code ?? 'signal'}) without figures`));
    });
    child.send(plan);
  });
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const progress = opts.progress ?? (() => undefined);
  const baseRiders = opts.quick ? 50 : 1_000;
  const increment = opts.quick ? 0.5 : 0.25;
  const maxSteps = opts.quick ? 2 : Number(process.env.INGEST_STEPS ?? 6);
  const raceSeconds = opts.quick ? 8 : Number(process.env.INGEST_RACE_SECONDS ?? 300);
  const perRecordSeconds = opts.quick ? PER_RECORD_SECONDS.quick : PER_RECORD_SECONDS.full;
  const windowSeconds = opts.quick ? 2 : 5;
  const arrivals: Arrivals = process.env.INGEST_ARRIVALS === 'burst' ? 'burst' : 'spread';
  const targets = ingestTargets(windowSeconds);

  const steps = await rideSteps({
    baseRidersPerClass: baseRiders,
    increment,
    classes: CLASSES.length,
    maxSteps,
    untilMiss: !opts.quick,
    targets,
    ride: (step, ridersPerClass) => {
      const label = `step ${step + 1}/${maxSteps} (${n(CLASSES.length * ridersPerClass)} records/s)`;
      console.error(`ingest: ${label}: ${ridersPerClass} riders per class`);
      return runStep(
        {
          ridersPerClass,
          raceSeconds,
          windowSeconds,
          arrivals,
          // The per-record design runs on the first step's race only (the write reduction is for that load).
          perRecordBelowSecond: step > 0 ? 0 : perRecordSeconds,
        },
        (message) => progress(`${label}: ${message}`),
      );
    },
    onStep: (step, { offeredPerSecond, misses, figures }) => {
      const label = `step ${step + 1}/${maxSteps} (${n(offeredPerSecond)} records/s)`;
      if (figures) console.error(`ingest: ${label}: ${JSON.stringify(figures)}`);
      progress(`${label}: ${misses.length === 0 ? 'met every target' : `missed: ${misses.join(', ')}`}`);
    },
  });

  const first = steps[0]?.figures;
  if (first === undefined) throw new Error('the first step measured nothing');
  const knee = kneeOf(steps);
  const stepNotes = steps.map(
    (s, i) =>
      `step ${i + 1}: ${
        s.figures ? describeStep(s.figures, s.misses) : `${n(s.offeredPerSecond)} offered: ${s.misses.join(', ')}`
      }`,
  );
  const lastMet = steps.every((s) => s.misses.length === 0);
  const freshnessShown = first.freshnessP95Ms !== null;
  const perRecord = first.liveWrites.perRecord;
  if (perRecord === null || perRecord.records === 0) throw new Error('the per-record design consumed no records');
  if (first.liveWrites.aggregatorCalls === 0) throw new Error('the aggregator sent no writes: the benchmark is broken');
  const wholeRace = perRecord.records >= first.delivered;
  const perRecordCalls = wholeRace
    ? perRecord.writeCalls
    : (perRecord.writeCalls / perRecord.records) * first.delivered;
  const ours = first.liveWrites.aggregatorCalls;
  return [
    {
      metric: 'ingest.kneeRecordsPerSecond',
      value: knee,
      unit: 'records/s',
      target: 1.5 * first.offeredPerSecond,
      better: 'higher',
      note: `${lastMet ? `no step missed: the knee is at or above ${n(knee)} records/s; ` : ''}${stepNotes.join('; ')}`,
    },
    {
      metric: 'ingest.sustainedRecordsPerSecond',
      value: first.deliveredPerSecond,
      unit: 'records/s',
      target: first.offeredPerSecond,
      better: 'higher',
    },
    {
      metric: 'ingest.producerRecordsPerSecond',
      value: first.producerPerSecond,
      unit: 'records/s',
      target: first.offeredPerSecond,
      better: 'higher',
    },
    {
      metric: 'ingest.maxIteratorAgeMs',
      value: first.maxIteratorAgeMs,
      unit: 'ms',
      target: targets.maxIteratorAgeMs,
      better: 'lower',
      note: Object.entries(first.maxIteratorAgeByMapping)
        .map(([name, age]) => `${name} ${n(age)} ms`)
        .join(', '),
    },
    {
      metric: 'e2e.freshnessP95Ms',
      value: first.freshnessP95Ms ?? first.watchedMs,
      unit: 'ms',
      target: targets.freshnessP95Ms,
      better: 'lower',
      note: freshnessShown
        ? `over every record put; p50 ${
            first.freshnessP50Ms === null ? 'never shown' : `${n(first.freshnessP50Ms)} ms`
          }`
        : `p95 falls on records never shown: more than the ${n(
            first.watchedMs,
          )} ms they were watched after the last put, reported as that`,
    },
    {
      metric: 'e2e.freshnessMissedShare',
      // Exact (not rounded): one record lost must not read as 0.
      value: (100 * first.missed) / first.put,
      unit: '%',
      target: 0,
      better: 'lower',
      note: `${n(first.missed)} of ${n(first.put)} records put never shown`,
    },
    {
      metric: 'live.writeReduction',
      value: Math.round((perRecordCalls / ours) * 10) / 10,
      unit: 'x',
      target: 1000,
      better: 'higher',
      note: [
        `ours: ${n(ours)} write calls by the aggregator over the race (${describeCalls(
          first.liveWrites.aggregatorCallsByKind,
        )}; its SnapshotWrites ${
          first.liveWrites.snapshotWrites === null ? 'not reported' : n(first.liveWrites.snapshotWrites)
        })`,
        wholeRace
          ? `per-record design run on all ${n(perRecord.records)} records: ${n(
              perRecord.writeCalls,
            )} conditional PutItems`
          : `per-record design run on race seconds 0–${perRecordSeconds - 1} (${n(perRecord.records)} of ${n(
              first.delivered,
            )} records): ${n(perRecord.writeCalls)} conditional PutItems, scaled to the race's records`,
      ].join('; '),
    },
  ];
}
