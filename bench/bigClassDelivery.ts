/**
 * live.largestClassRiders and live.bandFreshnessP99Ms: the live delivery path
 * of one 50,000-rider class on the local stack (DynamoDB Local, the local
 * AppSync runtime, real WebSocket subscribers in two receiver processes).
 *
 * The 63 shards of docs/scaling.md step 3 each fold their riders' records of
 * one window (the aggregator, one container per shard, as Lambda runs them)
 * and all but one close the window: they write their parts and hold the board
 * for the last one. Then the measured close: the last shard's final
 * invocation writes its part, finds every shard closed, claims the board,
 * reads the 63 parts, ranks, publishes the 1,000 bands (and the capped
 * complete board) and stores the board the live queries read. 5,000
 * subscribers spread over the field each follow the top band and their own
 * (two bands each, as the SDK's followLiveBoard does). Freshness is from the
 * start of that close to the moment a subscriber has both its bands.
 *
 * live.largestClassRiders is the class size delivered: the riders of the
 * class when every subscriber received every band it follows, complete and
 * ranked within one 5 KB message; 0 otherwise. The quick run (CI) is a
 * 2,000-rider class of 3 shards to 200 subscribers.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeShard } from '../core/keys.js';
import { joinDeadline } from '../core/fairPlay.js';
import { raceIdAt, raceSecondAt, raceStartMillis } from '../core/raceClock.js';
import type { TelemetryRecord } from '../core/telemetry.js';
import { createAggregator } from '../functions/aggregator/aggregator.js';
import { createBandPublisher } from '../functions/aggregator/publishLiveBands.js';
import { createSignedPoster, PUBLISH_MUTATION } from '../functions/aggregator/publishLiveRankings.js';
import { createDocumentClient } from '../functions/runtime/documentClient.js';
import type { KinesisEventRecord } from '../functions/runtime/kinesisRecord.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../local/credentials.js';
import { startScratchStack } from '../local/stack/startScratchStack.js';
import { bigClassOutput, bigClassRacerId } from './bigClassParts.js';
import { sharedNow } from './fanoutShared.js';
import type { FromBandReceiver, ToBandReceiver } from './bandReceiver.js';
import { percentile } from './stats.js';
import type { BenchOptions, BenchResult } from './types.js';

const CLASS_ID = 4;
const RACE_SECONDS = 600;
const WINDOW_MS = 5000;
const RECEIVERS = 2;
/** How long the measured close's bands may take to reach every subscriber before the run counts them missing. */
const DELIVERY_TIMEOUT_MS = 60_000;

const sizes = (quick: boolean) =>
  quick ? { riders: 2_000, shards: 3, subscribers: 200 } : { riders: 50_000, shards: 63, subscribers: 5_000 };

/** A percentile of what arrived (the timeout when nothing did: a run that delivered nothing is not fresh). */
const pct = (values: readonly number[], p: number): number =>
  values.length === 0 ? DELIVERY_TIMEOUT_MS : percentile(values, p);

const shardId = (s: number) => `shardId-${String(s).padStart(12, '0')}`;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** The bands subscriber i of n follows: the top band and their own, spread evenly over the field. */
function bandsOf(i: number, n: number, riders: number): number[] {
  const own = Math.floor((i * Math.ceil(riders / 50)) / n);
  return own === 0 ? [0] : [0, own];
}

function startReceiver(): ChildProcess {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'bandReceiver.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A receiver that already left (it failed, or closed on an earlier request) makes a later send fail with
  // EPIPE; its exit is reported through nextMessage, so the error event itself carries nothing more.
  child.on('error', () => undefined);
  return child;
}

/** The next message of `child` of `type` (a `failed` message or the child's exit rejects). */
function nextMessage<T extends FromBandReceiver['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<FromBandReceiver, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`receiver: no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: FromBandReceiver) => {
      if (m.type === 'failed') done(new Error(`receiver failed: ${m.message}`));
      else if (m.type === type) done(undefined, m as Extract<FromBandReceiver, { type: T }>);
    };
    const onExit = (code: number | null) => done(new Error(`receiver exited (${code})`));
    function done(error?: Error, value?: Extract<FromBandReceiver, { type: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const { riders, shards, subscribers } = sizes(opts.quick);
  const stack = await startScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: WINDOW_MS / 1000 });
  const receivers: ChildProcess[] = [];
  const ddb = createDocumentClient({
    region: LOCAL_REGION,
    endpoint: stack.endpoints.dynamodb.endpoint,
    credentials: EMULATOR_CREDENTIALS,
  });
  try {
    // A window with most of the race ahead of it.
    let now = Date.now();
    if (raceSecondAt(raceIdAt(now, RACE_SECONDS), RACE_SECONDS, now) > RACE_SECONDS - 120) {
      const next = raceStartMillis(raceIdAt(now, RACE_SECONDS) + 1, RACE_SECONDS);
      await new Promise((r) => setTimeout(r, next - now + 1000));
      now = Date.now();
    }
    const raceId = raceIdAt(now, RACE_SECONDS);
    // Riders ride from the start (core/fairPlay.ts): the records folded are each rider's first, sent and
    // arrived within the join window, so the race admits every rider whatever the moment the run starts.
    const second = Math.floor(joinDeadline(RACE_SECONDS) / 2);
    const arrivalMillis = raceStartMillis(raceId, RACE_SECONDS) + second * 1000 + 500;
    const windowStart = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    const window = { start: new Date(windowStart).toISOString(), end: new Date(windowStart + WINDOW_MS).toISOString() };

    // Subscribers first (connecting 5,000 takes a while), spread over two receiver processes.
    opts.progress?.(`subscribing ${subscribers}`);
    const all = Array.from({ length: subscribers }, (_, index) => ({
      index,
      bands: bandsOf(index, subscribers, riders),
    }));
    for (let r = 0; r < RECEIVERS; r += 1) {
      const child = startReceiver();
      receivers.push(child);
      const message: ToBandReceiver = {
        type: 'subscribe',
        realtimeUrl: stack.endpoints.realtimeUrl,
        apiKey: stack.endpoints.apiKey,
        classId: CLASS_ID,
        subscribers: all.filter((s) => s.index % RECEIVERS === r),
      };
      child.send(message);
    }
    await Promise.all(receivers.map((c) => nextMessage(c, 'subscribed', 300_000)));

    // One aggregator container per shard, publishing through the local API with the stack's IAM principal.
    const post = createSignedPoster({
      graphqlUrl: stack.endpoints.graphqlUrl,
      region: LOCAL_REGION,
      credentials: stack.endpoints.credentials,
    });
    let boardWriteCalls = 0;
    const containers = Array.from({ length: shards }, () =>
      createAggregator({
        ddb,
        tableName: stack.endpoints.dynamodb.tableName,
        raceSeconds: RACE_SECONDS,
        publish: (input) => post('publishLiveRankings', PUBLISH_MUTATION, { input }),
        publishBands: createBandPublisher(post),
        logger: silent,
        metrics: {
          addMetric: (name, _unit, value) => {
            if (name === 'BoardWriteCalls') boardWriteCalls += value;
          },
          publishStoredMetrics: () => {},
        },
        clock: { now: () => Date.now() },
        // The setup's closes take longer than a window on DynamoDB Local: the board waits for the measured one.
        shardWaitMs: 30 * 60_000,
      }),
    );

    // Every shard folds its riders' records of the window (the riders' shard: a stable hash of the racerId).
    const byShard: TelemetryRecord[][] = Array.from({ length: shards }, () => []);
    for (let i = 0; i < riders; i += 1) {
      const racerId = bigClassRacerId(i);
      byShard[writeShard(racerId, shards)]!.push({
        raceId,
        classId: CLASS_ID,
        racerId,
        name: `Rider ${String(i).padStart(5, '0')}`,
        second,
        power: 300,
        output: bigClassOutput(i, second),
        event: 'update',
        deviceTimestamp: arrivalMillis,
      });
    }
    const states: unknown[] = [];
    for (let s = 0; s < shards; s += 1) {
      const records: KinesisEventRecord[] = byShard[s]!.map((r, n) => ({
        eventID: `${shardId(s)}:${n}`,
        kinesis: {
          data: Buffer.from(JSON.stringify(r)).toString('base64'),
          sequenceNumber: String(n + 1),
          partitionKey: r.racerId,
          approximateArrivalTimestamp: arrivalMillis / 1000,
        },
      }));
      const folded = await containers[s]!({ Records: records, state: {}, window, shardId: shardId(s) });
      states.push(folded.state);
      opts.progress?.(`folded shard ${s + 1}/${shards}`);
    }
    // All but the last shard close the window: parts written, the board held for the last one.
    for (let s = 0; s < shards - 1; s += 1) {
      await containers[s]!({
        Records: [],
        state: states[s],
        window,
        isFinalInvokeForWindow: true,
        shardId: shardId(s),
      });
      opts.progress?.(`closed shard ${s + 1}/${shards}`);
    }

    // The measured close.
    await Promise.all(
      receivers.map((c) => {
        c.send({ type: 'arm', raceId, totalRiders: riders } satisfies ToBandReceiver);
        return nextMessage(c, 'armed', 30_000);
      }),
    );
    const load = os.loadavg();
    const closeStart = sharedNow();
    await containers[shards - 1]!({
      Records: [],
      state: states[shards - 1],
      window,
      isFinalInvokeForWindow: true,
      shardId: shardId(shards - 1),
    });
    const closeMs = sharedNow() - closeStart;
    const received = await Promise.all(
      receivers.map((c) =>
        nextMessage(c, 'received', DELIVERY_TIMEOUT_MS).catch(() => {
          c.send({ type: 'close' } satisfies ToBandReceiver);
          return nextMessage(c, 'received', 10_000);
        }),
      ),
    );

    const views: number[] = [];
    let missing = 0;
    const bandLatencies: number[] = [];
    for (const r of received) {
      for (const t of r.times) {
        if (t.at.some((a) => a === null)) missing += 1;
        else views.push(Math.max(...(t.at as number[])) - closeStart);
        for (const a of t.at) if (a !== null) bandLatencies.push(a - closeStart);
      }
    }
    const problems = received.flatMap((r) => r.problems);
    const events = received.reduce((n, r) => n + r.events, 0);
    const delivered = missing === 0 && problems.length === 0 && views.length === subscribers;
    const p99 = pct(views, 99);
    const loadText = load.map((l) => l.toFixed(1)).join(' ');
    console.error(
      `bigClassDelivery: ${riders} riders, ${shards} shards, ${subscribers} subscribers; close ${Math.round(
        closeMs,
      )} ms; ` +
        `views p50 ${Math.round(pct(views, 50))} p99 ${Math.round(p99)} max ${Math.round(pct(views, 100))} ms; ` +
        `${missing} incomplete, ${problems.length} problems ${problems
          .slice(0, 3)
          .join('; ')}; ${events} band events; load ${loadText}`,
    );
    const size = `${riders.toLocaleString('en-US')} riders on ${shards} shards to ${subscribers.toLocaleString(
      'en-US',
    )} subscribers`;
    return [
      {
        metric: 'live.largestClassRiders',
        value: delivered ? riders : 0,
        unit: 'riders',
        target: 50_000,
        better: 'higher',
        note: delivered
          ? `${size}: every subscriber got its bands complete, ranked, each within 5 KB`
          : `${size}: ${missing} subscribers missed a band, ${problems.length} wrong events (${problems
              .slice(0, 2)
              .join('; ')})`,
      },
      {
        metric: 'live.bandFreshnessP99Ms',
        value: Math.round(p99),
        unit: 'ms',
        target: 1000,
        better: 'lower',
        note: `close → a subscriber has its bands (top + own); p50 ${Math.round(pct(views, 50))} ms, max ${Math.round(
          pct(views, 100),
        )} ms; per band p99 ${Math.round(pct(bandLatencies, 99))} ms; the close itself ${Math.round(
          closeMs,
        )} ms (board stored in ${boardWriteCalls} write calls); ${size}; load ${loadText}`,
      },
    ];
  } finally {
    for (const c of receivers) {
      if (c.connected) c.send({ type: 'close' } satisfies ToBandReceiver);
    }
    await new Promise((r) => setTimeout(r, 500));
    for (const c of receivers) if (c.exitCode === null) c.kill();
    ddb.destroy();
    await stack.stop();
  }
}
