/**
 * live.largestClassRiders and live.bandFreshnessP99Ms: the live delivery path
 * of one 50,000-rider class on the local stack (DynamoDB Local, the local
 * AppSync runtime, real WebSocket subscribers in two receiver processes).
 *
 * The 63 shards of docs/scaling.md step 3 each fold their riders' records of
 * one window (the aggregator, one container per shard, as Lambda runs them,
 * in a process apart from the stack's: bigClassShards.ts) and all but one
 * close the window: they write their parts and hold the board for the last
 * one. The all-time consumer reads what they wrote. Then the measured close: the last shard's final
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
import { joinDeadline } from '../core/fairPlay.js';
import { raceIdAt, raceSecondAt, raceStartMillis } from '../core/raceClock.js';
import type { FunctionName } from '../local/stack/functionEnv.js';
import type { LocalStack } from '../local/stack/startLocalStack.js';
import { startScratchStack } from '../local/stack/startScratchStack.js';
import type { FromBandReceiver, ToBandReceiver } from './bandReceiver.js';
import type { FromShards, ToShards } from './bigClassShards.js';
import { percentile } from './stats.js';
import type { BenchOptions, BenchResult } from './types.js';

const CLASS_ID = 4;
const RACE_SECONDS = 600;
const WINDOW_MS = 5000;
const RECEIVERS = 2;
/** How long a mapping must stay idle to count as having read its stream, and the most the run waits for it. */
const QUIET_MS = 2_000;
const QUIET_LIMIT_MS = 120_000;
/** How long the measured close's bands may take to reach every subscriber before the run counts them missing. */
const DELIVERY_TIMEOUT_MS = 60_000;

const sizes = (quick: boolean) =>
  quick ? { riders: 2_000, shards: 3, subscribers: 200 } : { riders: 50_000, shards: 63, subscribers: 5_000 };

/** A percentile of what arrived (the timeout when nothing did: a run that delivered nothing is not fresh). */
const pct = (values: readonly number[], p: number): number =>
  values.length === 0 ? DELIVERY_TIMEOUT_MS : percentile(values, p);

/** The bands subscriber i of n follows: the top band and their own, spread evenly over the field. */
function bandsOf(i: number, n: number, riders: number): number[] {
  const own = Math.floor((i * Math.ceil(riders / 50)) / n);
  return own === 0 ? [0] : [0, own];
}

/** Starts one of this benchmark's child processes (`file` in bench/). */
function startChild(file: string): ChildProcess {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, file), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A child that already left (it failed, or closed on an earlier request) makes a later send fail with
  // EPIPE; its exit is reported through nextMessage, so the error event itself carries nothing more.
  child.on('error', () => undefined);
  return child;
}

/** The next message of `child` of `type` (a `failed` message or the child's exit rejects). */
function nextMessage<M extends FromBandReceiver | FromShards, T extends M['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
  onProgress?: (message: string) => void,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`child: no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: M) => {
      if (m.type === 'failed') done(new Error(`child failed: ${(m as { message: string }).message}`));
      else if (m.type === 'progress') onProgress?.((m as { message: string }).message);
      else if (m.type === type) done(undefined, m as Extract<M, { type: T }>);
    };
    const onExit = (code: number | null) => done(new Error(`child exited (${code})`));
    function done(error?: Error, value?: Extract<M, { type: T }>) {
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

/** Resolves once the mapping of `name` has neither invoked nor committed for QUIET_MS (at most QUIET_LIMIT_MS). */
async function mappingQuiet(stack: LocalStack, name: FunctionName): Promise<void> {
  const mapping = stack.mappings.find((m) => m.name === name)?.mapping;
  if (mapping === undefined) return;
  let last = Date.now();
  const onEvent = () => {
    last = Date.now();
  };
  mapping.events.on('event', onEvent);
  try {
    const until = Date.now() + QUIET_LIMIT_MS;
    while (Date.now() - last < QUIET_MS && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  } finally {
    mapping.events.off('event', onEvent);
  }
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const { riders, shards, subscribers } = sizes(opts.quick);
  const stack = await startScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: WINDOW_MS / 1000 });
  const receivers: ChildProcess[] = [];
  let shardProcess: ChildProcess | undefined;
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
      const child = startChild('bandReceiver.ts');
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

    // The shards fold and close the window but the last (in their own process), publishing through the
    // local API with the stack's IAM principal.
    const shardsChild = startChild('bigClassShards.ts');
    shardProcess = shardsChild;
    shardsChild.send({
      type: 'setup',
      dynamodbEndpoint: stack.endpoints.dynamodb.endpoint,
      tableName: stack.endpoints.dynamodb.tableName,
      graphqlUrl: stack.endpoints.graphqlUrl,
      credentials: stack.endpoints.credentials,
      raceSeconds: RACE_SECONDS,
      classId: CLASS_ID,
      riders,
      shards,
      raceId,
      second,
      arrivalMillis,
      window,
    } satisfies ToShards);
    await nextMessage<FromShards, 'ready'>(shardsChild, 'ready', 1_800_000, (m) => opts.progress?.(m));

    // What the shards wrote reaches the all-time consumer through the table's stream; on AWS it runs in its
    // own Lambda, here on the stack's event loop. The measured close starts once it has read the setup's
    // writes, so that the close is timed against its own work, not the setup's leftovers.
    opts.progress?.('waiting for the all-time consumer to read the setup');
    await mappingQuiet(stack, 'allTime');

    // The measured close.
    await Promise.all(
      receivers.map((c) => {
        c.send({ type: 'arm', raceId, totalRiders: riders } satisfies ToBandReceiver);
        return nextMessage(c, 'armed', 30_000);
      }),
    );
    const load = os.loadavg();
    // Every answer is listened for before the close starts: the subscribers may have their bands before the
    // close has stored the board and returned.
    const closed = nextMessage<FromShards, 'closed'>(shardsChild, 'closed', DELIVERY_TIMEOUT_MS);
    const arrived = Promise.all(
      receivers.map((c) =>
        nextMessage(c, 'received', DELIVERY_TIMEOUT_MS).catch(() => {
          c.send({ type: 'close' } satisfies ToBandReceiver);
          return nextMessage(c, 'received', 10_000);
        }),
      ),
    );
    shardsChild.send({ type: 'close' } satisfies ToShards);
    const { start: closeStart, ms: closeMs, boardWriteCalls } = await closed;
    const received = await arrived;

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
    shardProcess?.disconnect();
    await stack.stop();
  }
}
