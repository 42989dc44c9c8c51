/**
 * One race of the ingest benchmark on a fresh local stack (`startLocalStack`,
 * functions in this process): a load generator in its own process
 * (bench/ingestProducer.ts) rides 6 classes × `ridersPerClass` riders at 1 Hz
 * for a whole race while one subscriber per class listens on the real-time
 * endpoint through the project's client SDK. Run by bench/ingestStep.ts, one
 * process per race (the functions keep their clients for the process's life,
 * so a second stack in the same process would not be theirs).
 *
 * What it measures:
 * - delivered records and their rate: records the aggregator's mapping
 *   delivered ÷ time from its first delivery of the race to its last, each
 *   dated by the start of the invocation that carried it (the mapping's
 *   `invoke` events);
 * - the largest iterator age of the aggregator and finalizer mappings
 *   (sampled every 250 ms);
 * - freshness per record (bench/recordFreshness.ts): PutRecords start → the
 *   first `data` message showing that rider at that second or later, over
 *   every record put — a record never shown counts as missed and as +∞;
 * - the live path's DynamoDB write calls: every write the aggregator sends
 *   during the race, counted in its own calls (bench/liveWriteCounter.ts),
 *   beside its own SnapshotWrites metric from /ops/metrics; and, when asked,
 *   the per-record design run afterwards on the same stream
 *   (bench/perRecordConsumer.ts).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createClient } from '../client/index.js';
import { OnLiveRankingsDocument } from '../client/generated/operations.js';
import { raceIdAt, raceStartMillis } from '../core/raceClock.js';
import type { MappingEvent } from '../local/esm/types.js';
import type { OpsSnapshot } from '../contract/opsMetrics.js';
import { startLocalStack, type LocalStack } from '../local/stack/startLocalStack.js';
import { benchRiders, groupCount, groupOf, type Arrivals } from './benchRiders.js';
import type { ProducerMessage, ProducerPlan } from './ingestProducer.js';
import type { StepFigures } from './ingestSteps.js';
import { countLiveWrites, describeCalls, type CallsByKind } from './liveWriteCounter.js';
import { runPerRecordConsumer, type PerRecordRun } from './perRecordConsumer.js';
import { RecordFreshness } from './recordFreshness.js';
import { percentile } from './stats.js';

export const CLASSES = [1, 2, 3, 4, 5, 6];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const here = path.dirname(fileURLToPath(import.meta.url));

export interface RacePlan {
  ridersPerClass: number;
  raceSeconds: number;
  windowSeconds: number;
  arrivals: Arrivals;
  /** After the race, run the per-record design over the race's seconds below this (0: not run). */
  perRecordBelowSecond: number;
}

/** What one race measured (JSON-safe: +∞ is written as null). */
export interface RaceFigures extends StepFigures {
  /** Records put that a subscriber was shown (dated by their put). */
  shown: number;
  /** Records shown before their put was reported (none expected; ranked +∞, not missed). */
  shownUndated: number;
  /** Seconds the generator sent more than a second late. */
  lateSeconds: number;
  maxIteratorAgeByMapping: Record<string, number>;
  /** Freshness p50 over every record put; null when it falls on a record never shown. */
  freshnessP50Ms: number | null;
  /** How long after the last put started the subscribers were still watched (what a missed record waited at least). */
  watchedMs: number;
  liveWrites: {
    /** DynamoDB write calls the aggregator sent from the race's start to the end of the observation. */
    aggregatorCalls: number;
    /** The same calls by what they write. */
    aggregatorCallsByKind: CallsByKind;
    /** The aggregator's own SnapshotWrites metric over the stack's life (null: not reported). */
    snapshotWrites: number | null;
    perRecord: PerRecordRun | null;
  };
}

/** The stack's own view of the run (functions' EMF totals) to the log; returns the aggregator's SnapshotWrites. */
async function logOpsSummary(url: string): Promise<number | null> {
  const response = await fetch(url);
  if (!response.ok) return null;
  const snapshot = (await response.json()) as OpsSnapshot;
  let snapshotWrites: number | null = null;
  for (const s of snapshot.series) {
    if (s.id === 'fn.aggregator.SnapshotWrites') snapshotWrites = s.total;
    if (
      s.id.startsWith('fn.') ||
      /^esm\.[^.]+\.(batches|invocations|functionErrors|retries|windowsClosed|maxIteratorAgeMs)$/.test(s.id)
    ) {
      const max = Math.max(0, ...s.points.map(([, v]) => v ?? 0));
      console.error(`ops: ${s.id} total=${s.total ?? '-'} latest=${s.latest ?? '-'} max=${max}`);
    }
  }
  return snapshotWrites;
}

/** Runs the load generator in its own process; resolves when it has put the whole race. */
function produce(
  plan: ProducerPlan,
  on: (m: ProducerMessage) => void,
): Promise<{ firstPutAt: number; lastPutAt: number }> {
  const child = fork(path.join(here, 'ingestProducer.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let done: { firstPutAt: number; lastPutAt: number } | undefined;
    child.on('message', (m: ProducerMessage) => {
      if (m.type === 'done') done = m;
      else if (m.type === 'error') reject(new Error(`load generator: ${m.message}`));
      else on(m);
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      done ? resolve(done) : reject(new Error(`load generator exited (${code ?? 'signal'}) before the race ended`)),
    );
    child.send(plan);
  });
}

const finite = (ms: number): number | null => (Number.isFinite(ms) ? Math.round(ms) : null);

/** Rides one whole race on a fresh local stack and returns what it measured. */
export async function rideRace(plan: RacePlan, progress: (message: string) => void): Promise<RaceFigures> {
  const { ridersPerClass, raceSeconds, windowSeconds, arrivals } = plan;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'alleycat-bench-ingest-'));
  const writes = countLiveWrites();
  let stack: LocalStack | undefined;
  try {
    progress('starting the local stack');
    stack = await startLocalStack({
      inMemory: true,
      sim: false,
      port: 0,
      stateDir,
      buildWeb: false,
      raceSeconds,
      windowSeconds,
      log: (line) => console.error(`stack: ${line}`),
      // The aggregator's DynamoDB writes are counted in its own calls (the live path).
      wrapHandler: (name, handler) => (name === 'aggregator' ? writes.wrap(handler) : handler),
    });
    const { endpoints } = stack;
    const aggregator = stack.mappings.find((m) => m.name === 'aggregator');
    if (!aggregator) throw new Error('the local stack runs no aggregator mapping');
    const watched = stack.mappings.filter((m) => m.name === 'aggregator' || m.name === 'finalizer');
    const delivered = () => aggregator.mapping.metrics().shards.reduce((sum, s) => sum + s.recordsDelivered, 0);

    // The next whole race (its slot starts on the race clock).
    const raceId = raceIdAt(Date.now(), raceSeconds) + 1;
    const start = raceStartMillis(raceId, raceSeconds);
    const offered = CLASSES.length * ridersPerClass;
    const planned = offered * (raceSeconds + 1);

    // Subscribers: one per class, through the SDK, as the web app does.
    const client = createClient({
      graphqlUrl: endpoints.graphqlUrl,
      realtimeUrl: endpoints.realtimeUrl,
      auth: { apiKey: endpoints.apiKey },
      WebSocket,
    });
    // Which group each rider sends with, as the generator forms them.
    const groups = groupCount(offered, arrivals);
    const groupOfRider = new Map(
      benchRiders(CLASSES, ridersPerClass).map((r, i) => [`${r.classId}|${r.racerId}`, groupOf(i, groups)]),
    );
    const freshness = new RecordFreshness(
      planned,
      (classId, racerId) => groupOfRider.get(`${classId}|${racerId}`) ?? 0,
    );
    // A looser freshness (each message against the put of the newest second it shows), to the log only.
    const newestSecondFreshness: number[] = [];
    let messages = 0;
    const unsubscribes = CLASSES.map((classId) =>
      client.subscribe(
        OnLiveRankingsDocument,
        { classId },
        {
          next: (value) => {
            const receivedAt = Date.now();
            const live = value.onLiveRankings;
            if (!live || live.raceId !== raceId || live.entries.length === 0) return;
            messages += 1;
            freshness.received(classId, live.entries, receivedAt);
            let newest = 0;
            for (const e of live.entries) newest = Math.max(newest, e.second);
            const sentAt = freshness.putStartOf(newest);
            if (sentAt !== undefined) newestSecondFreshness.push(receivedAt - sentAt);
          },
          error: (e) => progress(`subscription error: ${e.message}`),
        },
      ),
    );

    progress(`waiting ${Math.round((start - Date.now()) / 1000)} s for race ${raceId}`);
    let sent = 0;
    let lateSeconds = 0;
    let maxAge = 0;
    const maxAgeOf = new Map<string, number>();
    let before = delivered();
    let writesBefore = writes.calls;
    let kindsBefore = writes.byKind();
    let racing = false;
    // Deliveries dated exactly: every invocation of the aggregator with records, at its start.
    let firstDeliveredAt: number | undefined;
    let lastDeliveredAt: number | undefined;
    const onDelivery = (e: MappingEvent): void => {
      if (!racing || e.type !== 'invoke' || e.records === 0 || e.error !== undefined) return;
      const at = Date.now() - e.durationMs;
      firstDeliveredAt = Math.min(firstDeliveredAt ?? at, at);
      lastDeliveredAt = Math.max(lastDeliveredAt ?? at, at);
    };
    aggregator.mapping.events.on('event', onDelivery);
    const ageSampler = setInterval(() => {
      if (!racing) return;
      for (const m of watched) {
        const age = m.mapping.metrics().iteratorAgeMs;
        maxAge = Math.max(maxAge, age);
        maxAgeOf.set(m.name, Math.max(maxAgeOf.get(m.name) ?? 0, age));
      }
    }, 250);
    const producerPlan: ProducerPlan = {
      kinesisEndpoint: endpoints.kinesis.endpoint,
      streamName: endpoints.kinesis.streamName,
      raceId,
      startMillis: start,
      raceSeconds,
      classes: CLASSES,
      ridersPerClass,
      arrivals,
    };
    console.error(`ingest: ${arrivals} arrivals (${groups} sending group${groups === 1 ? '' : 's'} per second)`);
    const { firstPutAt, lastPutAt } = await produce(producerPlan, (m) => {
      if (m.type === 'second') {
        if (m.second === 0 && m.group === 0) {
          before = delivered();
          writesBefore = writes.calls;
          kindsBefore = writes.byKind();
          racing = true;
        }
        freshness.putStarted(m.second, m.startedAt, m.group);
      } else if (m.type === 'put') {
        sent += m.accepted;
        if (m.late) lateSeconds += 1;
        if (m.second % 10 === 0)
          progress(
            `race second ${m.second}/${raceSeconds}: ${sent} records put, ${
              delivered() - before
            } delivered, max iterator age ${maxAge} ms`,
          );
      }
    });

    // Drain: until the aggregator has every record (or 60 s), then two more windows for the last publish.
    const drainUntil = Date.now() + 60_000;
    while (delivered() - before < sent && Date.now() < drainUntil) await sleep(100);
    const deliveredCount = delivered() - before;
    await sleep(2 * windowSeconds * 1000);
    const watchedMs = Date.now() - lastPutAt;
    const aggregatorCalls = writes.calls - writesBefore;
    const aggregatorCallsByKind: CallsByKind = {};
    for (const [kind, count] of Object.entries(writes.byKind()) as Array<[keyof CallsByKind, number]>) {
      const during = count - (kindsBefore[kind] ?? 0);
      if (during > 0) aggregatorCallsByKind[kind] = during;
    }
    clearInterval(ageSampler);
    aggregator.mapping.events.off('event', onDelivery);
    const snapshotWrites = await logOpsSummary(new URL('/ops/metrics', endpoints.graphqlUrl).href);
    for (const u of unsubscribes) u();
    if (freshness.size === 0) throw new Error('no live rankings of the race reached the subscribers');
    const missed = freshness.missed(sent);
    progress(
      `${sent} records put (${lateSeconds} seconds sent late), ${deliveredCount} delivered, ${messages} updates received`,
    );
    console.error(
      `ingest: ${freshness.size} of ${sent} records seen by a subscriber, ${missed} never; ${freshness.unknownPutSeconds} seen before their put was reported`,
    );
    const p = (q: number) => finite(freshness.percentileOfAll(q, sent));
    const shownMs = (ms: number | null) => (ms === null ? 'never shown' : `${ms} ms`);
    console.error(
      `ingest: freshness over every record put: p50 ${shownMs(p(50))}, p95 ${shownMs(p(95))}, p99 ${shownMs(
        p(99),
      )}, max ${shownMs(p(100))}; over those shown: p95 ${Math.round(freshness.percentile(95))} ms`,
    );
    if (newestSecondFreshness.length > 0)
      console.error(
        `ingest: per message, against the newest second it shows: p95 ${Math.round(
          percentile(newestSecondFreshness, 95),
        )} ms over ${newestSecondFreshness.length} messages`,
      );
    if (firstDeliveredAt === undefined || lastDeliveredAt === undefined || lastDeliveredAt <= firstDeliveredAt)
      throw new Error('the aggregator delivered the race in fewer than two invocations: no rate to measure');
    // The rate from the first put to the last delivery (the pipeline's latency counts against it), to the log only.
    console.error(
      `ingest: records delivered ÷ (last delivery − first put) = ${Math.round(
        deliveredCount / ((lastDeliveredAt - firstPutAt) / 1000),
      )} records/s`,
    );
    console.error(
      `ingest: max iterator age by mapping: ${[...maxAgeOf].map(([name, age]) => `${name} ${age} ms`).join(', ')}`,
    );
    console.error(
      `ingest: the aggregator sent ${aggregatorCalls} DynamoDB write calls during the race (${describeCalls(
        aggregatorCallsByKind,
      )}; its SnapshotWrites: ${snapshotWrites ?? 'not reported'})`,
    );

    let perRecord: PerRecordRun | null = null;
    if (plan.perRecordBelowSecond > 0) {
      progress(`per-record design on race seconds below ${Math.min(plan.perRecordBelowSecond, raceSeconds + 1)}`);
      perRecord = await runPerRecordConsumer({
        kinesisEndpoint: endpoints.kinesis.endpoint,
        streamName: endpoints.kinesis.streamName,
        dynamodbEndpoint: endpoints.dynamodb.endpoint,
        raceId,
        belowSecond: plan.perRecordBelowSecond,
      });
      console.error(
        `ingest: per-record design: ${perRecord.records} records, ${perRecord.writeCalls} write calls (${perRecord.conditionFailures} refused by their condition) in ${perRecord.ms} ms`,
      );
    }

    return {
      ridersPerClass,
      offeredPerSecond: offered,
      planned,
      put: sent,
      delivered: deliveredCount,
      missed,
      shown: freshness.size,
      shownUndated: freshness.unknownPutSeconds,
      lateSeconds,
      producerPerSecond: Math.round(sent / ((lastPutAt - firstPutAt) / 1000)),
      deliveredPerSecond: Math.round(deliveredCount / ((lastDeliveredAt - firstDeliveredAt) / 1000)),
      maxIteratorAgeMs: maxAge,
      maxIteratorAgeByMapping: Object.fromEntries(maxAgeOf),
      freshnessP95Ms: p(95),
      freshnessP50Ms: p(50),
      watchedMs,
      liveWrites: { aggregatorCalls, aggregatorCallsByKind, snapshotWrites, perRecord },
    };
  } finally {
    await stack?.stop();
    writes.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
