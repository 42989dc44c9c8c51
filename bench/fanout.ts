/**
 * fanout.p99Ms: 1,000 subscribers of one class (each on its own WebSocket)
 * receive a 1,000-entry LiveRankings event; latency from sending the IAM
 * publishLiveRankings mutation to each subscriber's receipt of the data
 * message, p99 over every receipt of several publishes.
 * fanout.idleConnectionsRssMb: RSS of the server process holding 10,000 idle
 * (acknowledged) real-time connections.
 *
 * The server (runtime + /graphql + real-time endpoint) runs in a child
 * process so the RSS is the server's alone; subscribers and the publisher run
 * here. `--quick`: 300 subscribers, 5 publishes, 2,000 idle connections.
 * Three warm-up publishes are not counted.
 *
 * Diagnostics: FANOUT_DEBUG=1 prints per-publish min/max receipt latency and
 * the server's split (mutation execution, fan-out, response);
 * FANOUT_PROF=<dir> writes a CPU profile of the server process there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createClient } from '../client/index.js';
import { PublishLiveRankingsDocument } from '../client/generated/operations.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/credentials.js';
import { percentile } from './stats.js';
import type { BenchOptions, BenchResult } from './types.js';

const FANOUT_API_KEY = 'da2-benchfanout0000000000000';
const CLASS_ID = 3;
const ENTRIES = 1_000;
const SUBSCRIPTION = `subscription OnLiveRankings($classId: Int!) {
  onLiveRankings(classId: $classId) { classId raceId updatedAt entries { rank racerId name output second } }
}`;

interface ServerProcess {
  child: ChildProcess;
  port: number;
  rss(): Promise<{ rss: number; connections: number }>;
  split(): Promise<Array<{ mutationMs: number; fanoutMs: number }>>;
  stop(): void;
}

function startServer(): Promise<ServerProcess> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const child = fork(path.join(here, 'fanoutServer.ts'), [], { execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.FANOUT_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FANOUT_PROF}`] : [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
              const r = reply as { type?: string; split?: Array<{ mutationMs: number; fanoutMs: number }> };
              if (r.type !== 'split') return;
              child.off('message', onSplit);
              res(r.split ?? []);
            });
            child.send({ type: 'split' });
          }),
        stop: () => {
          child.removeAllListeners('exit');
          child.kill('SIGTERM');
        },
      });
    });
  });
}

function entries(size: number, round: number) {
  return Array.from({ length: size }, (_, i) => ({
    rank: i + 1,
    racerId: `racer-${String(i + 1).padStart(5, '0')}`,
    name: `Rider number ${i + 1}`,
    output: Math.round((size - i + round) * 12.34 * 100) / 100,
    second: 120 + round,
  }));
}

/** Opens one real-time connection (API key in ?header=) and waits for connection_ack. */
function connect(port: number, onData?: (prefix: string, data: Buffer) => void): Promise<WebSocket> {
  const header = Buffer.from(JSON.stringify({ host: `127.0.0.1:${port}`, 'x-api-key': FANOUT_API_KEY })).toString('base64');
  // The subscribers stand in for 1,000 separate browsers: they skip UTF-8
  // validation and look only at the message's first bytes, so that this one
  // process can keep up and the figure is the server's latency.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql/realtime?header=${encodeURIComponent(header)}&payload=e30=`, ['graphql-ws'], {
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => ws.send('{"type":"connection_init"}'));
    ws.on('message', (data, isBinary) => {
      if (isBinary || !Buffer.isBuffer(data)) return;
      const prefix = data.subarray(0, 24).toString();
      if (prefix.startsWith('{"type":"connection_ack"')) resolve(ws);
      else if (onData) onData(prefix, data);
    });
  });
}

async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - start) }, (_, j) => make(start + j)))));
  }
  return out;
}

interface FanoutFigures {
  latencies: number[];
  /** Server side, per counted publish: the runtime's mutation execution and the fan-out that follows. */
  mutationMs: number[];
  fanoutMs: number[];
}

async function measureFanout(server: ServerProcess, subscribers: number, publishes: number, progress: (m: string) => void): Promise<FanoutFigures> {
  let publishedAt = 0;
  let received = 0;
  const latencies: number[] = [];
  let sample: string | undefined;
  const sockets = await inBatches(subscribers, 100, async (i) => {
    let acked: () => void = () => undefined;
    const ackedPromise = new Promise<void>((r) => (acked = r));
    const ws = await connect(server.port, (prefix, data) => {
      // Receipt is the arrival of the data message; parsing all 1,000 copies would time the client, not the server.
      if (prefix.startsWith('{"type":"data"')) {
        latencies.push(performance.now() - publishedAt);
        received += 1;
        if (i === 0) sample = data.toString();
      } else if (prefix.startsWith('{"type":"start_ack"')) acked();
    });
    ws.send(
      JSON.stringify({
        id: `sub-${i}`,
        type: 'start',
        payload: {
          data: JSON.stringify({ query: SUBSCRIPTION, variables: { classId: CLASS_ID } }),
          extensions: { authorization: { host: `127.0.0.1:${server.port}`, 'x-api-key': FANOUT_API_KEY } },
        },
      }),
    );
    await ackedPromise;
    return ws;
  });
  progress(`${subscribers} subscribers ready`);
  const publisher = createClient({ graphqlUrl: `http://127.0.0.1:${server.port}/graphql`, auth: { iam: { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION } } });
  const warmup = 3;
  for (let round = 0; round < publishes + warmup; round += 1) {
    const input = { classId: CLASS_ID, raceId: 1_000 + round, updatedAt: new Date().toISOString(), entries: entries(ENTRIES, round) };
    received = 0;
    const before = latencies.length;
    publishedAt = performance.now();
    await publisher.mutate(PublishLiveRankingsDocument, { input });
    const mutated = performance.now();
    const deadline = Date.now() + 30_000;
    while (received < subscribers) {
      if (Date.now() > deadline) throw new Error(`round ${round}: ${received}/${subscribers} subscribers received the event`);
      await new Promise((r) => setTimeout(r, 5));
    }
    // The first round warms the JIT and the document caches; it is not counted.
    if (process.env.FANOUT_DEBUG) { const l = latencies.slice(before); console.error('round', round, 'min', Math.min(...l).toFixed(1), 'max', Math.max(...l).toFixed(1), 'mutate', (mutated - publishedAt).toFixed(1)); }
    if (round === 0) latencies.splice(before);
    progress(`publish ${round + 1}/${publishes + warmup}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const parsed = JSON.parse(sample ?? '{}') as { payload?: { data?: { onLiveRankings?: { entries?: unknown[] } } } };
  if (parsed.payload?.data?.onLiveRankings?.entries?.length !== ENTRIES) throw new Error('the delivered event does not hold the 1,000 entries');
  for (const ws of sockets) ws.terminate();
  const split = await server.split();
  return { latencies, mutationMs: split.map((s) => s.mutationMs), fanoutMs: split.map((s) => s.fanoutMs) };
}

async function measureIdle(server: ServerProcess, connections: number, progress: (m: string) => void): Promise<number> {
  const sockets = await inBatches(connections, 250, () => connect(server.port));
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
    { metric: 'fanout.p99Ms', value: Math.round(percentile(figures.latencies, 99) * 10) / 10, unit: 'ms', target: 250, better: 'lower' },
    // Informational split of the server's share (same budget as a target): the runtime's execution of the
    // 1,000-entry mutation, then the real-time fan-out up to the last socket write.
    { metric: 'fanout.serverMutationP99Ms', value: Math.round(percentile(figures.mutationMs, 99) * 10) / 10, unit: 'ms', target: 250, better: 'lower' },
    { metric: 'fanout.serverFanoutP99Ms', value: Math.round(percentile(figures.fanoutMs, 99) * 10) / 10, unit: 'ms', target: 250, better: 'lower' },
    { metric: 'fanout.idleConnectionsRssMb', value: Math.round(rssMb), unit: 'MB', target: 1024, better: 'lower' },
  ];
}
