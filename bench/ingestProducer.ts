/**
 * The ingest benchmark's load generator, in its own process (bench/ingest.ts
 * forks it): the bikes are not part of the system under test, so encoding and
 * putting 6,000 records a second must not take turns with the local stack on
 * its event loop.
 *
 * It rides one race at 1 Hz on the race clock: at each second it reports when
 * that second's PutRecords started, puts one record per rider through the
 * simulator's Kinesis sink (batches of 500, in parallel; records Kinesis
 * refused are retried, as PutRecords fails per record), then reports how
 * many were accepted.
 */
import type { TelemetryRecord } from '../core/telemetry.js';
import { kinesisSink } from '../local/simulator/kinesisSink.js';
import { MAX_BATCH } from '../local/simulator/sink.js';
import { localKinesis } from '../local/stack/clients.js';

/** What the parent sends to start the ride. */
export interface ProducerPlan {
  kinesisEndpoint: string;
  streamName: string;
  raceId: number;
  /** Epoch ms of second 0; second s is put at start + s seconds + 200 ms. */
  startMillis: number;
  raceSeconds: number;
  classes: readonly number[];
  ridersPerClass: number;
}

/** What the producer reports. */
export type ProducerMessage =
  | { type: 'second'; second: number; startedAt: number }
  | { type: 'put'; second: number; accepted: number; late: boolean }
  | { type: 'done'; firstPutAt: number; lastPutAt: number }
  | { type: 'error'; message: string };

interface Rider {
  racerId: string;
  classId: number;
  watts: number;
  output: number;
}

/** The benchmark's riders: `c<class>-rider-<i>`, steady power between 150 and 399 W. */
export function benchRiders(classes: readonly number[], ridersPerClass: number): Rider[] {
  return classes.flatMap((classId) =>
    Array.from({ length: ridersPerClass }, (_, i) => ({ racerId: `c${classId}-rider-${i}`, classId, watts: 150 + ((i * 37) % 250), output: 0 })),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** One record per rider for `second` (the last second of the race carries the finals). */
function recordsOf(plan: ProducerPlan, riders: Rider[], second: number): TelemetryRecord[] {
  const event = second === plan.raceSeconds ? 'final' : 'update';
  return riders.map((r) => {
    if (second > 0) r.output = Math.round((r.output + r.watts / 1000) * 1000) / 1000;
    return { raceId: plan.raceId, classId: r.classId, racerId: r.racerId, second, power: r.watts, output: r.output, event, deviceTimestamp: Date.now() };
  });
}

async function ride(plan: ProducerPlan, report: (m: ProducerMessage) => void): Promise<void> {
  // The simulator's sink: batches of 500, all of a second's batches in flight at once, failed records retried.
  const riders = benchRiders(plan.classes, plan.ridersPerClass);
  const sink = kinesisSink({ client: localKinesis(plan.kinesisEndpoint), streamName: plan.streamName, parallel: Math.ceil(riders.length / MAX_BATCH) });
  await sleep(plan.startMillis - Date.now() + 200);
  const firstPutAt = Date.now();
  for (let second = 0; second <= plan.raceSeconds; second += 1) {
    const due = plan.startMillis + second * 1000 + 200;
    const late = Date.now() > due + 1000;
    await sleep(due - Date.now());
    report({ type: 'second', second, startedAt: Date.now() });
    report({ type: 'put', second, accepted: (await sink.send(recordsOf(plan, riders, second))).sent, late });
  }
  report({ type: 'done', firstPutAt, lastPutAt: Date.now() });
  sink.close();
}

if (process.send) {
  const send = (m: ProducerMessage) => process.send?.(m);
  process.once('message', (plan: ProducerPlan) => {
    ride(plan, send).then(
      () => process.disconnect(),
      (error: unknown) => {
        send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        process.disconnect();
      },
    );
  });
}
