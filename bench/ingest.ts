/**
 * End-to-end ingestion on the local stack (`startLocalStack`): a load
 * generator in its own process (bench/ingestProducer.ts) rides 6 classes × N
 * riders at 1 Hz for a whole race (full: 1,000 riders per class, a full
 * 5-minute race, 5-second windows; quick: 50 riders, 12-second races,
 * 2-second windows) while one subscriber per class listens on the real-time
 * endpoint through the project's client SDK.
 *
 * - ingest.sustainedRecordsPerSecond: records the aggregator's event-source
 *   mapping delivered ÷ time from its first delivery of the race to its last,
 *   each dated by the start of the invocation that carried it (the mapping's
 *   `invoke` events). Measured like the producer's rate (records ÷ time from
 *   first to last put), so a pipeline that keeps up shows the offered load,
 *   the target;
 * - ingest.maxIteratorAgeMs: the largest iterator age the aggregator and
 *   finalizer mappings reported (sampled every 250 ms), target one window
 *   + 2 s;
 * - e2e.freshnessP95Ms: per record (rider and second), the time from the
 *   start of its PutRecords to the first `data` message showing that rider
 *   at that second or later (bench/recordFreshness.ts); p95, target one
 *   window + 1 s (a record waits up to a window for the window to
 *   close, then has a second to reach the subscriber);
 * - the bikes send as a fleet of independent devices does: each rider once a
 *   second, the riders in 12 groups spread over the second
 *   (bench/ingestProducer.ts `spread`). INGEST_ARRIVALS=burst makes every
 *   rider send at the same instant instead (all 12 batches at once), the
 *   stream's worst case, for comparison;
 * - ingest.producerRecordsPerSecond (context): the rate the generator
 *   achieved (records ÷ time from the start of its first put to the start of
 *   its last). When it falls behind the race clock, its records arrive after
 *   their slot and the functions drop them as late — the
 *   figures then say the machine could not offer the load, not that the
 *   pipeline lost data.
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
import { startLocalStack, type LocalStack } from '../local/stack/startLocalStack.js';
import type { OpsSnapshot } from '../contract/opsMetrics.js';
import type { MappingEvent } from '../local/esm/types.js';
import { benchRiders, groupCount, groupOf, type Arrivals } from './benchRiders.js';
import type { ProducerMessage, ProducerPlan } from './ingestProducer.js';
import { RecordFreshness } from './recordFreshness.js';
import { percentile } from './stats.js';
import type { BenchOptions, BenchResult } from './types.js';

const CLASSES = [1, 2, 3, 4, 5, 6];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const here = path.dirname(fileURLToPath(import.meta.url));

/** Writes the stack's own view of the run (functions' EMF totals, window-close latency) to the module's log. */
async function logOpsSummary(url: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) return;
  const snapshot = (await response.json()) as OpsSnapshot;
  for (const s of snapshot.series) {
    if (
      s.id.startsWith('fn.') ||
      /^esm\.[^.]+\.(batches|invocations|functionErrors|retries|windowsClosed|maxIteratorAgeMs)$/.test(s.id)
    ) {
      const max = Math.max(0, ...s.points.map(([, v]) => v ?? 0));
      console.error(`ops: ${s.id} total=${s.total ?? '-'} latest=${s.latest ?? '-'} max=${max}`);
    }
  }
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

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const progress = opts.progress ?? (() => undefined);
  const ridersPerClass = opts.quick ? 50 : 1_000;
  // INGEST_RACE_SECONDS shortens the full race while working on the pipeline (the figures are for 300).
  const raceSeconds = opts.quick ? 12 : Number(process.env.INGEST_RACE_SECONDS ?? 300);
  const windowSeconds = opts.quick ? 2 : 5;
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'alleycat-bench-ingest-'));
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

    // Subscribers: one per class, through the SDK, as the web app does.
    const client = createClient({
      graphqlUrl: endpoints.graphqlUrl,
      realtimeUrl: endpoints.realtimeUrl,
      auth: { apiKey: endpoints.apiKey },
      WebSocket,
    });
    const arrivals: Arrivals = process.env.INGEST_ARRIVALS === 'burst' ? 'burst' : 'spread';
    // Which group each rider sends with, as the generator forms them.
    const groups = groupCount(offered, arrivals);
    const groupOfRider = new Map(
      benchRiders(CLASSES, ridersPerClass).map((r, i) => [`${r.classId}|${r.racerId}`, groupOf(i, groups)]),
    );
    const freshness = new RecordFreshness(
      offered * (raceSeconds + 1),
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
    const plan: ProducerPlan = {
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
    const { firstPutAt, lastPutAt } = await produce(plan, (m) => {
      if (m.type === 'second') {
        if (m.second === 0 && m.group === 0) {
          before = delivered();
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
    clearInterval(ageSampler);
    aggregator.mapping.events.off('event', onDelivery);
    await logOpsSummary(new URL('/ops/metrics', endpoints.graphqlUrl).href);
    for (const u of unsubscribes) u();
    if (freshness.size === 0) throw new Error('no live rankings of the race reached the subscribers');
    progress(
      `${sent} records put (${lateSeconds} seconds sent late), ${deliveredCount} delivered, ${messages} updates received`,
    );
    console.error(
      `ingest: ${freshness.size} of ${sent} records seen by a subscriber; ${freshness.unknownPutSeconds} seen before their put was reported`,
    );
    console.error(
      `ingest: freshness p50 ${Math.round(freshness.percentile(50))} ms, p95 ${Math.round(
        freshness.percentile(95),
      )} ms, p99 ${Math.round(freshness.percentile(99))} ms, max ${Math.round(freshness.percentile(100))} ms`,
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
    // Which consumer the largest iterator age came from (the figure is the larger of the two), to the module's log.
    console.error(
      `ingest: max iterator age by mapping: ${[...maxAgeOf].map(([name, age]) => `${name} ${age} ms`).join(', ')}`,
    );
    return [
      {
        metric: 'ingest.sustainedRecordsPerSecond',
        value: Math.round(deliveredCount / ((lastDeliveredAt - firstDeliveredAt) / 1000)),
        unit: 'records/s',
        target: offered,
        better: 'higher',
      },
      // What the generator managed to put (on a busy machine it falls behind the clock, and records that
      // arrive after their race slot are rightly refused by the functions as late).
      {
        metric: 'ingest.producerRecordsPerSecond',
        value: Math.round(sent / ((lastPutAt - firstPutAt) / 1000)),
        unit: 'records/s',
        target: offered,
        better: 'higher',
      },
      {
        metric: 'ingest.maxIteratorAgeMs',
        value: maxAge,
        unit: 'ms',
        target: (windowSeconds + 2) * 1000,
        better: 'lower',
        note: [...maxAgeOf].map(([name, age]) => `${name} ${age.toLocaleString('en-US')} ms`).join(', '),
      },
      {
        metric: 'e2e.freshnessP95Ms',
        value: Math.round(freshness.percentile(95)),
        unit: 'ms',
        target: (windowSeconds + 1) * 1000,
        better: 'lower',
        note: `p50 ${Math.round(freshness.percentile(50)).toLocaleString('en-US')} ms`,
      },
    ];
  } finally {
    await stack?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
