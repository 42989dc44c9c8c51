/**
 * fanout.p99Ms: 1,000 subscribers of one class, each on its own WebSocket,
 * receive 1,000-entry LiveRankings events. Measured per receipt: from the
 * moment this process starts the IAM-signed publishLiveRankings mutation
 * (serializing and signing it included) to the moment a subscriber holds the
 * complete `data` message (the last byte of its WebSocket message received),
 * on a clock shared by the processes (bench/fanoutShared.ts sharedNow, checked
 * at start). p99 over every receipt of 20 publishes (1,000 x 20 values),
 * after 3 warm-up publishes that are not counted.
 * fanout.idleConnectionsRssMb: RSS of the server process holding 10,000 idle
 * (acknowledged) real-time connections.
 * fanout.completeBoardMessagesPerViewerWindow: AppSync's 5 KB units per subscriber and
 * publish of the complete board, from the server's usage meter, with what a
 * viewer's race costs at list prices (bench/fanoutMetering.ts).
 *
 * Processes: the server (runtime + /graphql + real-time endpoint,
 * bench/fanoutServer.ts) in a child so that its RSS is its own; the
 * subscribers split over FANOUT_RECEIVERS (default 2) receiver children
 * (bench/fanoutReceiver.ts, which states how every message is checked: own
 * envelope and every byte of the payload, a sample parsed in full); the
 * publisher and the idle connections here. `--quick`: 300 subscribers,
 * 5 publishes, 2,000 idle connections.
 *
 * The server's share is reported beside the p99: fanout.serverMutationP99Ms
 * (request arrival to mutation executed) and fanout.serverFanoutP99Ms (then
 * to the last socket write).
 *
 * Diagnostics: FANOUT_DEBUG=1 prints per publish the receipt distribution and
 * the CPU time of server and receivers; FANOUT_PROF=<dir> writes CPU profiles
 * of the server (and receivers, in <dir>/receivers).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '../client/index.js';
import { PublishLiveRankingsDocument } from '../client/generated/operations.js';
import { LOCAL_REGION, newLocalCredentials } from '../local/credentials.js';
import {
  CLASS_ID,
  ENTRIES,
  FANOUT_IAM_ENV,
  connectRealtime,
  inBatches,
  isFromReceiver,
  rankingEntries,
  sharedNow,
  type FromReceiver,
  type ToReceiver,
} from './fanoutShared.js';
import { percentile } from './stats.js';
import { meteredResult } from './fanoutMetering.js';
import type { Usage } from '../local/appsync/index.js';
import type { BenchOptions, BenchResult } from './types.js';

/** Publishes before the counted ones (JIT, document caches, TCP windows). */
const WARMUP_PUBLISHES = 3;
/** Receiver processes sharing the subscribers (FANOUT_RECEIVERS overrides). */
const DEFAULT_RECEIVERS = 2;

/** The server's share of one publish: wall and CPU time of the mutation's execution, then of the fan-out. */
interface ServerSplit {
  mutationMs: number;
  fanoutMs: number;
  mutationCpuMs: number;
  fanoutCpuMs: number;
}

interface ServerProcess {
  child: ChildProcess;
  port: number;
  rss(): Promise<{ rss: number; connections: number }>;
  split(): Promise<ServerSplit[]>;
  /** What the server's usage meter counted so far. */
  usage(): Promise<Usage>;
  stop(): void;
}

/** The publisher's IAM key pair, fresh per run; the server child accepts it only. */
const IAM_CREDENTIALS = newLocalCredentials();

function startServer(): Promise<ServerProcess> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'fanoutServer.ts'), [], {
    env: { ...process.env, [FANOUT_IAM_ENV]: JSON.stringify(IAM_CREDENTIALS) },
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env.FANOUT_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FANOUT_PROF}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fanout server exited with ${code}`)));
    child.on('message', function onReady(message: unknown) {
      const m = message as { type?: string; port?: number };
      if (m.type !== 'ready' || typeof m.port !== 'number') return;
      child.off('message', onReady);
      resolve({
        child,
        port: m.port,
        rss: () =>
          new Promise((res) => {
            child.on('message', function onRss(reply: unknown) {
              const r = reply as { type?: string; rss?: number; connections?: number };
              if (r.type !== 'rss') return;
              child.off('message', onRss);
              res({ rss: r.rss ?? 0, connections: r.connections ?? 0 });
            });
            child.send({ type: 'rss' });
          }),
        split: () =>
          new Promise((res) => {
            child.on('message', function onSplit(reply: unknown) {
              const r = reply as { type?: string; split?: ServerSplit[] };
              if (r.type !== 'split') return;
              child.off('message', onSplit);
              res(r.split ?? []);
            });
            child.send({ type: 'split' });
          }),
        usage: () =>
          new Promise((res) => {
            child.on('message', function onUsage(reply: unknown) {
              const r = reply as { type?: string; usage?: Usage };
              if (r.type !== 'usage' || !r.usage) return;
              child.off('message', onUsage);
              res(r.usage);
            });
            child.send({ type: 'usage' });
          }),
        stop: () => {
          child.removeAllListeners('exit');
          child.kill('SIGTERM');
        },
      });
    });
  });
}

/** The receiver processes, each holding a share of the subscribers. */
interface Receivers {
  children: ChildProcess[];
  /** Next message of `type` from every receiver (a `failed` message rejects). */
  fromAll<T extends FromReceiver['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Array<Extract<FromReceiver, { type: T }>>>;
  send(message: ToReceiver): void;
  stop(): void;
}

function startReceivers(count: number): Receivers {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const children = Array.from({ length: count }, () =>
    fork(path.join(here, 'fanoutReceiver.ts'), [], {
      execArgv: [
        '--import',
        'tsx',
        ...(process.env.FANOUT_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FANOUT_PROF}/receivers`] : []),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const inbox = children.map(() => [] as FromReceiver[]);
  const waiters = new Set<() => void>();
  let failure: Error | undefined;
  children.forEach((child, i) => {
    child.on('message', (raw: unknown) => {
      if (!isFromReceiver(raw)) return;
      if (raw.type === 'failed') failure ??= new Error(`receiver ${i}: ${raw.message}`);
      else inbox[i]?.push(raw);
      for (const wake of [...waiters]) wake();
    });
    child.once('exit', (code) => {
      failure ??= new Error(`receiver ${i} exited with ${code}`);
      for (const wake of [...waiters]) wake();
    });
  });
  return {
    children,
    fromAll(type, timeoutMs) {
      type Wanted = Extract<FromReceiver, { type: typeof type }>;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receivers: no ${type} from all within ${timeoutMs} ms`));
        }, timeoutMs);
        function check(): void {
          if (failure) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(failure);
            return;
          }
          if (!inbox.every((box) => box.some((m) => m.type === type))) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(
            inbox.map((box) => {
              const at = box.findIndex((m) => m.type === type);
              return box.splice(at, 1)[0] as Wanted;
            }),
          );
        }
        waiters.add(check);
        check();
      });
    },
    send(message) {
      for (const child of children) child.send(message);
    },
    stop() {
      for (const child of children) {
        child.removeAllListeners('exit');
        child.kill('SIGTERM');
      }
    },
  };
}

/**
 * The receivers' clocks must agree with this process's: a receiver's reading
 * must fall between the moment it was asked and the moment its answer came.
 */
async function checkClocks(receivers: Receivers): Promise<void> {
  for (let i = 0; i < 5; i += 1) {
    const asked = sharedNow();
    receivers.send({ type: 'clock' });
    const answers = await receivers.fromAll('clock', 10_000);
    const answered = sharedNow();
    for (const { at } of answers) {
      // 1 ms of slack: timeOrigin is the process start rounded by the platform.
      if (at < asked - 1 || at > answered + 1)
        throw new Error(`receiver clock off: ${at} not within [${asked}, ${answered}]`);
    }
  }
}

interface FanoutFigures {
  latencies: number[];
  /** Server side, per counted publish: the runtime's mutation execution and the fan-out that follows. */
  mutationMs: number[];
  fanoutMs: number[];
  /** The server's usage meter after every publish (warm-ups included: each is a window a viewer got). */
  usage: Usage;
  windows: number;
}

async function measureFanout(
  server: ServerProcess,
  subscribers: number,
  publishes: number,
  progress: (m: string) => void,
): Promise<FanoutFigures> {
  const receiverCount = Math.max(1, Number(process.env.FANOUT_RECEIVERS ?? DEFAULT_RECEIVERS));
  const receivers = startReceivers(receiverCount);
  try {
    await checkClocks(receivers);
    const share = Math.ceil(subscribers / receiverCount);
    receivers.children.forEach((child, i) => {
      const first = i * share;
      child.send({
        type: 'subscribe',
        port: server.port,
        first,
        count: Math.max(0, Math.min(share, subscribers - first)),
      } satisfies ToReceiver);
    });
    await receivers.fromAll('subscribed', 120_000);
    progress(`${subscribers} subscribers ready in ${receiverCount} receiver processes`);
    const publisher = createClient({
      graphqlUrl: `http://127.0.0.1:${server.port}/graphql`,
      auth: { iam: { credentials: { ...IAM_CREDENTIALS }, region: LOCAL_REGION } },
    });
    const latencies: number[] = [];
    const receiverCpuMs: number[] = [];
    for (let round = 0; round < publishes + WARMUP_PUBLISHES; round += 1) {
      const input = {
        classId: CLASS_ID,
        raceId: 1_000 + round,
        updatedAt: new Date().toISOString(),
        entries: rankingEntries(ENTRIES, round),
      };
      receivers.send({ type: 'expect', round, raceId: input.raceId, updatedAt: input.updatedAt });
      await receivers.fromAll('armed', 10_000);
      const publishedAt = sharedNow();
      await publisher.mutate(PublishLiveRankingsDocument, { input });
      const mutated = sharedNow();
      const received = await receivers.fromAll('received', 30_000);
      const roundLatencies = received.flatMap((r) => r.times.map((t) => t - publishedAt));
      if (roundLatencies.length !== subscribers)
        throw new Error(`round ${round}: ${roundLatencies.length}/${subscribers} receipts`);
      if (process.env.FANOUT_DEBUG) {
        const sorted = [...roundLatencies].sort((a, b) => a - b);
        const parsed = received.reduce((n, r) => n + r.parsed, 0);
        console.error(
          `round ${round} receipts min ${sorted[0]?.toFixed(1)} p50 ${percentile(sorted, 50).toFixed(
            1,
          )} p99 ${percentile(sorted, 99).toFixed(1)} max ${sorted.at(-1)?.toFixed(1)}; mutation answered ${(
            mutated - publishedAt
          ).toFixed(1)}; ${parsed} parsed in full; receivers' cpu ${received
            .map((r) => r.cpuMs.toFixed(0))
            .join('+')} ms`,
        );
      }
      // The warm-up publishes (JIT, document caches, TCP windows) are not counted.
      if (round >= WARMUP_PUBLISHES) {
        latencies.push(...roundLatencies);
        receiverCpuMs.push(received.reduce((sum, r) => sum + r.cpuMs, 0));
      }
      progress(`publish ${round + 1}/${publishes + WARMUP_PUBLISHES}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const split = await server.split();
    const counted = split.slice(WARMUP_PUBLISHES);
    // Wall times move with the machine's load; CPU times per publish much less: both go to the log.
    console.error(
      `fanout: ${subscribers} subscribers, ${publishes} counted publishes, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; ` +
        `median CPU per publish: server mutation ${percentile(
          counted.map((s) => s.mutationCpuMs),
          50,
        ).toFixed(1)} ms, ` +
        `server fan-out ${percentile(
          counted.map((s) => s.fanoutCpuMs),
          50,
        ).toFixed(1)} ms, receivers ${percentile(receiverCpuMs, 50).toFixed(1)} ms`,
    );
    return {
      latencies,
      mutationMs: counted.map((s) => s.mutationMs),
      fanoutMs: counted.map((s) => s.fanoutMs),
      usage: await server.usage(),
      windows: publishes + WARMUP_PUBLISHES,
    };
  } finally {
    receivers.send({ type: 'close' });
    setTimeout(() => receivers.stop(), 2_000).unref();
  }
}

async function measureIdle(server: ServerProcess, connections: number, progress: (m: string) => void): Promise<number> {
  const sockets = await inBatches(connections, 250, () => connectRealtime(server.port));
  progress(`${connections} idle connections open`);
  await new Promise((r) => setTimeout(r, 1_000));
  const { rss, connections: open } = await server.rss();
  if (open < connections) throw new Error(`server holds ${open}/${connections} connections`);
  for (const ws of sockets) ws.terminate();
  return rss / (1024 * 1024);
}

/** Runs both measurements, each against a fresh server process. */
export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const progress = opts.progress ?? (() => undefined);
  const subscribers = opts.quick ? 300 : 1_000;
  const publishes = opts.quick ? 5 : 20;
  const idle = opts.quick ? 2_000 : 10_000;

  const fanoutServer = await startServer();
  let figures: FanoutFigures;
  try {
    figures = await measureFanout(fanoutServer, subscribers, publishes, progress);
  } finally {
    fanoutServer.stop();
  }
  const idleServer = await startServer();
  let rssMb: number;
  try {
    rssMb = await measureIdle(idleServer, idle, progress);
  } finally {
    idleServer.stop();
  }
  return [
    {
      metric: 'fanout.p99Ms',
      value: Math.round(percentile(figures.latencies, 99) * 10) / 10,
      unit: 'ms',
      target: 250,
      better: 'lower',
    },
    // Informational split of the server's share (same budget as a target): the runtime's execution of the
    // 1,000-entry mutation, then the real-time fan-out up to the last socket write.
    {
      metric: 'fanout.serverMutationP99Ms',
      value: Math.round(percentile(figures.mutationMs, 99) * 10) / 10,
      unit: 'ms',
      target: 250,
      better: 'lower',
    },
    {
      metric: 'fanout.serverFanoutP99Ms',
      value: Math.round(percentile(figures.fanoutMs, 99) * 10) / 10,
      unit: 'ms',
      target: 250,
      better: 'lower',
    },
    { metric: 'fanout.idleConnectionsRssMb', value: Math.round(rssMb), unit: 'MB', target: 1024, better: 'lower' },
    meteredResult(figures.usage, {
      metric: 'fanout.completeBoardMessagesPerViewerWindow',
      design: `complete board (onLiveRankings), ${ENTRIES.toLocaleString('en-US')} entries`,
      subscriptionKey: `onLiveRankings(classId: ${CLASS_ID})`,
      viewers: subscribers,
      windows: figures.windows,
    }),
  ];
}
