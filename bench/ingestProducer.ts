/**
 * The ingest benchmark's load generator, in its own process (bench/ingest.ts
 * forks it): the bikes are not part of the system under test, so encoding and
 * putting 6,000 records a second must not take turns with the local stack on
 * its event loop.
 *
 * It rides one race at 1 Hz on the race clock: at each second it reports when
 * that second's PutRecords started, puts one record per rider (batches of
 * 500, in parallel; records Kinesis refused are retried, as PutRecords fails
 * per record), then reports how many were accepted.
 */
import { PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
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

async function putSecond(plan: ProducerPlan, kinesis: ReturnType<typeof localKinesis>, riders: Rider[], second: number): Promise<number> {
  const final = second === plan.raceSeconds;
  const records: PutRecordsRequestEntry[] = riders.map((r) => {
    if (second > 0) r.output = Math.round((r.output + r.watts / 1000) * 1000) / 1000;
    const record = { raceId: plan.raceId, classId: r.classId, racerId: r.racerId, second, power: r.watts, output: r.output, event: final ? 'final' : 'update', deviceTimestamp: Date.now() };
    return { Data: Buffer.from(JSON.stringify(record)), PartitionKey: r.racerId };
  });
  let pending = records;
  for (let attempt = 0; attempt < 5 && pending.length > 0; attempt += 1) {
    const chunks: PutRecordsRequestEntry[][] = [];
    for (let i = 0; i < pending.length; i += 500) chunks.push(pending.slice(i, i + 500));
    const retry: PutRecordsRequestEntry[] = [];
    await Promise.all(
      chunks.map(async (chunk) => {
        const out = await kinesis.send(new PutRecordsCommand({ StreamName: plan.streamName, Records: chunk }));
        out.Records?.forEach((r, i) => {
          const entry = chunk[i];
          if (r.ErrorCode && entry) retry.push(entry);
        });
      }),
    );
    pending = retry;
    if (pending.length > 0) await sleep(50 * 2 ** attempt);
  }
  return records.length - pending.length;
}

async function ride(plan: ProducerPlan, report: (m: ProducerMessage) => void): Promise<void> {
  const kinesis = localKinesis(plan.kinesisEndpoint);
  const riders = benchRiders(plan.classes, plan.ridersPerClass);
  await sleep(plan.startMillis - Date.now() + 200);
  const firstPutAt = Date.now();
  for (let second = 0; second <= plan.raceSeconds; second += 1) {
    const due = plan.startMillis + second * 1000 + 200;
    const late = Date.now() > due + 1000;
    await sleep(due - Date.now());
    report({ type: 'second', second, startedAt: Date.now() });
    report({ type: 'put', second, accepted: await putSecond(plan, kinesis, riders, second), late });
  }
  report({ type: 'done', firstPutAt, lastPutAt: Date.now() });
  kinesis.destroy();
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
