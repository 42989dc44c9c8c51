/**
 * What bench/fanout.ts and its receiver processes (bench/fanoutReceiver.ts)
 * share: the subscription, the published event, the clock, one real-time
 * connection, and the messages they exchange over IPC.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** The API key the benchmark's subscribers use (the server child registers it). */
export const FANOUT_API_KEY = 'da2-benchfanout0000000000000';
/** The class every subscriber follows. */
export const CLASS_ID = 3;
/** Entries of every published LiveRankings event. */
export const ENTRIES = 1_000;
/** The subscription each subscriber starts (every field of the event). */
export const SUBSCRIPTION = `subscription OnLiveRankings($classId: Int!) {
  onLiveRankings(classId: $classId) { classId raceId updatedAt entries { rank racerId name output second } }
}`;

/** One ranking entry of the published input (and of the delivered event). */
export interface RankingEntry {
  rank: number;
  racerId: string;
  name: string;
  output: number;
  second: number;
}

/** The entries of publish `round`: deterministic, so that receivers can check what they get. */
export function rankingEntries(size: number, round: number): RankingEntry[] {
  return Array.from({ length: size }, (_, i) => ({
    rank: i + 1,
    racerId: `racer-${String(i + 1).padStart(5, '0')}`,
    name: `Rider number ${i + 1}`,
    output: Math.round((size - i + round) * 12.34 * 100) / 100,
    second: 120 + round,
  }));
}

/**
 * Milliseconds on a clock every process of the machine shares: the wall clock
 * at process start plus the monotonic time since. Publisher and receivers are
 * different processes, so latencies are differences of these values.
 */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Opens one real-time connection (API key in `?header=`) and resolves once
 * `connection_ack` arrived. `onText` gets every later text message as the
 * Buffer `ws` assembled (no UTF-8 validation: receivers compare bytes).
 */
export function connectRealtime(port: number, onText?: (data: Buffer) => void): Promise<WebSocket> {
  const header = Buffer.from(JSON.stringify({ host: `127.0.0.1:${port}`, 'x-api-key': FANOUT_API_KEY })).toString(
    'base64',
  );
  const ws = new WebSocket(
    `ws://127.0.0.1:${port}/graphql/realtime?header=${encodeURIComponent(header)}&payload=e30=`,
    ['graphql-ws'],
    {
      perMessageDeflate: false,
      skipUTF8Validation: true,
    },
  );
  const ack = Buffer.from('{"type":"connection_ack"');
  return new Promise((resolve, reject) => {
    let acked = false;
    ws.once('error', reject);
    ws.once('open', () => ws.send('{"type":"connection_init"}'));
    ws.on('message', (data, isBinary) => {
      if (isBinary || !Buffer.isBuffer(data)) return;
      if (!acked && data.subarray(0, ack.length).equals(ack)) {
        acked = true;
        resolve(ws);
      } else if (onText) onText(data);
    });
  });
}

/** The `start` message of subscriber `id`. */
export function startMessage(id: string, port: number): string {
  return JSON.stringify({
    id,
    type: 'start',
    payload: {
      data: JSON.stringify({ query: SUBSCRIPTION, variables: { classId: CLASS_ID } }),
      extensions: { authorization: { host: `127.0.0.1:${port}`, 'x-api-key': FANOUT_API_KEY } },
    },
  });
}

/** Runs `make` for 0..count-1, `batch` at a time. */
export async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - start) }, (_, j) => make(start + j)))));
  }
  return out;
}

/** Parent → receiver. */
export type ToReceiver =
  | { type: 'subscribe'; port: number; first: number; count: number }
  | { type: 'clock' }
  | { type: 'expect'; round: number; raceId: number; updatedAt: string }
  | { type: 'close' };

/** Receiver → parent. */
export type FromReceiver =
  | { type: 'subscribed' }
  | { type: 'clock'; at: number }
  | { type: 'armed'; round: number }
  /** Every subscriber of the receiver got round `round`: receipt times on the shared clock, and how many messages were fully parsed. */
  | { type: 'received'; round: number; times: number[]; parsed: number; cpuMs: number }
  | { type: 'failed'; message: string };

/** Guard for IPC messages from a receiver. */
export function isFromReceiver(value: unknown): value is FromReceiver {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}
