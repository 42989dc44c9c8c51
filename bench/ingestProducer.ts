/**
 * The ingest benchmark's load generator, in its own process (bench/ingest.ts
 * forks it): the bikes are not part of the system under test, so encoding and
 * putting 6,000 records a second must not take turns with the local stack on
 * its event loop.
 *
 * It rides one race at 1 Hz on the race clock, one record per rider per
 * second, through the simulator's Kinesis sink (batches of 500; records
 * Kinesis refused are retried, as PutRecords fails per record). Each batch
 * reports when its PutRecords started, then how many were accepted.
 *
 * When the bikes send (`arrivals`):
 * - `spread` (the benchmark's default): riders are split into as many groups
 *   as a second takes PutRecords batches (12 for 6,000 riders), and group g
 *   sends at g/12 of every second — as a fleet of independent bikes does, each
 *   on its own clock, so records arrive all through the second;
 * - `burst`: every rider sends at the same instant of each second, all
 *   batches at once (the worst case for the stream, and what the simulator
 *   does).
 */
import type { TelemetryRecord } from '../core/telemetry.js';
import { kinesisSink } from '../local/simulator/kinesisSink.js';
import { MAX_BATCH } from '../local/simulator/sink.js';
import { localKinesis } from '../local/stack/clients.js';
import { benchRiders, groupCount, groupOf, type Arrivals, type Rider } from './benchRiders.js';

/** What the parent sends to start the ride. */
export interface ProducerPlan {
  kinesisEndpoint: string;
  streamName: string;
  raceId: number;
  /** Epoch ms of second 0; second s is put from start + s seconds + 200 ms (spread: over that second). */
  startMillis: number;
  raceSeconds: number;
  classes: readonly number[];
  ridersPerClass: number;
  /** When in each second the bikes send (see above). */
  arrivals: Arrivals;
}

/** What the producer reports. */
export type ProducerMessage =
  /** The PutRecords of `group`'s records of `second` started at `startedAt` (burst: one group, 0). */
  | { type: 'second'; second: number; group: number; startedAt: number }
  | { type: 'put'; second: number; accepted: number; late: boolean }
  | { type: 'done'; firstPutAt: number; lastPutAt: number }
  | { type: 'error'; message: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** One record per rider for `second` (the last second of the race carries the finals). */
function recordsOf(plan: ProducerPlan, riders: Rider[], second: number): TelemetryRecord[] {
  const event = second === plan.raceSeconds ? 'final' : 'update';
  return riders.map((r) => {
    if (second > 0) r.output = Math.round((r.output + r.watts / 1000) * 1000) / 1000;
    return {
      raceId: plan.raceId,
      classId: r.classId,
      racerId: r.racerId,
      second,
      power: r.watts,
      output: r.output,
      event,
      deviceTimestamp: Date.now(),
    };
  });
}

async function ride(plan: ProducerPlan, report: (m: ProducerMessage) => void): Promise<void> {
  // The simulator's sink: batches of 500, a burst's batches in flight at once, failed records retried.
  const riders = benchRiders(plan.classes, plan.ridersPerClass);
  const groups = groupCount(riders.length, plan.arrivals);
  const members: Rider[][] = Array.from({ length: groups }, () => []);
  riders.forEach((r, i) => members[groupOf(i, groups)]?.push(r));
  const sink = kinesisSink({
    client: localKinesis(plan.kinesisEndpoint),
    streamName: plan.streamName,
    parallel: Math.ceil(riders.length / MAX_BATCH),
  });
  await sleep(plan.startMillis - Date.now() + 200);
  const firstPutAt = Date.now();
  let lastPutAt = firstPutAt;
  for (let second = 0; second <= plan.raceSeconds; second += 1) {
    const due = plan.startMillis + second * 1000 + 200;
    const late = Date.now() > due + 1000;
    const puts: Array<Promise<{ sent: number }>> = [];
    for (let group = 0; group < groups; group += 1) {
      await sleep(due + (group * 1000) / groups - Date.now());
      lastPutAt = Date.now();
      report({ type: 'second', second, group, startedAt: lastPutAt });
      puts.push(sink.send(recordsOf(plan, members[group] ?? [], second)));
    }
    const accepted = (await Promise.all(puts)).reduce((sum, p) => sum + p.sent, 0);
    report({ type: 'put', second, accepted, late });
  }
  report({ type: 'done', firstPutAt, lastPutAt });
  sink.close();
}

if (process.send) {
  const send = (m: ProducerMessage) => process.send?.(m);
  process.once('message', (plan: ProducerPlan) => {
    ride(plan, send).then(
      () => process.disconnect(),
      (error: unknown) => {
        send({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) });
        process.disconnect();
      },
    );
  });
}
