/**
 * Child process of bench/bigClassDelivery.ts holding one share of the
 * onLiveBoard subscribers, each on its own WebSocket (a viewer follows the
 * top band and their own). For the armed race it takes the receipt time
 * (the shared clock) of every subscribed band's first event and checks the
 * event: the band it asked for, the field's size, 50 entries (fewer only in
 * the last band), ranked in the ranking order, at most one 5 KB message.
 *
 * Usage (by bench/bigClassDelivery.ts only): node --import tsx bench/bandReceiver.ts
 */
import WebSocket from 'ws';
import { sharedNow } from './fanoutShared.js';

/** The subscription each subscriber starts (every field of a band event). */
const SUBSCRIPTION = `subscription OnLiveBoard($classId: Int!, $bands: [Int!]!) {
  onLiveBoard(classId: $classId, bands: $bands) { classId raceId updatedAt band totalRiders entries { rank racerId name output second } }
}`;

/** Parent → receiver. */
export type ToBandReceiver =
  | {
      type: 'subscribe';
      realtimeUrl: string;
      apiKey: string;
      classId: number;
      subscribers: Array<{ index: number; bands: number[] }>;
    }
  | { type: 'arm'; raceId: number; totalRiders: number }
  | { type: 'close' };

/** Receiver → parent. */
export type FromBandReceiver =
  | { type: 'subscribed' }
  | { type: 'armed' }
  /** Per subscriber: when each of its bands arrived (shared clock; null: never), and what was wrong with any event. */
  | { type: 'received'; times: Array<{ index: number; at: Array<number | null> }>; problems: string[]; events: number }
  | { type: 'failed'; message: string };

interface Subscriber {
  index: number;
  bands: number[];
  at: Array<number | null>;
  ws: WebSocket;
}

const subscribers: Subscriber[] = [];
const problems: string[] = [];
let armed: { raceId: number; totalRiders: number } | undefined;
let events = 0;
let reported = false;

function send(message: FromBandReceiver): void {
  process.send?.(message);
}

function complete(): boolean {
  return subscribers.every((s) => s.at.every((t) => t !== null));
}

function report(): void {
  if (reported) return;
  reported = true;
  if (armed !== undefined) checkArrivals(armed.totalRiders);
  send({ type: 'received', times: subscribers.map((s) => ({ index: s.index, at: s.at })), problems, events });
}

interface BandEvent {
  raceId: number;
  band: number;
  totalRiders: number;
  entries: Array<{ rank: number; output: number; racerId: string }>;
}

/** What is wrong with a band event (null: nothing). */
function checkBand(e: BandEvent, bytes: number, totalRiders: number): string | null {
  const expected = Math.max(0, Math.min(50, totalRiders - e.band * 50));
  if (e.totalRiders !== totalRiders) return `band ${e.band}: totalRiders ${e.totalRiders}`;
  if (e.entries.length !== expected) return `band ${e.band}: ${e.entries.length} entries, expected ${expected}`;
  if (bytes > 5 * 1024) return `band ${e.band}: ${bytes} bytes`;
  for (let i = 1; i < e.entries.length; i += 1) {
    const [a, b] = [e.entries[i - 1]!, e.entries[i]!];
    const ordered = a.output > b.output || (a.output === b.output && a.racerId < b.racerId);
    const ranked = b.rank === (a.output === b.output ? a.rank : e.band * 50 + i + 1);
    if (!ordered || !ranked) return `band ${e.band}: entry ${i} out of order or misranked`;
  }
  return null;
}

/** A band event as it arrived, checked once every subscriber has its bands. */
interface Arrival {
  readonly subscriber: Subscriber;
  readonly band: number;
  readonly data: Buffer;
}
const arrivals: Arrival[] = [];

/** The head of a band event's frame: the selection puts raceId and band before the entries. */
const HEAD =
  /^\{"type":"data","id":"[^"]*","payload":\{"data":\{"onLiveBoard":\{"classId":\d+,"raceId":(\d+),"updatedAt":"[^"]*","band":(\d+),/;

/**
 * Takes the receipt time of an event and reads only its head (race and
 * band): a subscriber has its band when the bytes arrive, and parsing every
 * 5 KB event here would delay the ones behind it in this process. Each event
 * is parsed and checked in full afterwards (checkArrivals).
 */
function onMessage(s: Subscriber, data: Buffer): void {
  const at = sharedNow();
  if (armed === undefined) return;
  const head = HEAD.exec(data.toString('latin1', 0, Math.min(data.length, 300)));
  if (head === null) {
    // Not a band event of the shape asked for (a keep-alive, an error): anything but a keep-alive is a problem.
    const message = JSON.parse(data.toString('utf8')) as { type: string };
    if (message.type !== 'ka' && problems.length < 20) problems.push(`subscriber ${s.index}: ${message.type} message`);
    return;
  }
  if (Number(head[1]) !== armed.raceId) return;
  events += 1;
  const band = Number(head[2]);
  const slot = s.bands.indexOf(band);
  if (slot < 0) {
    problems.push(`subscriber ${s.index} got band ${band}, asked ${s.bands.join(',')}`);
    return;
  }
  if (s.at[slot] !== null) return;
  s.at[slot] = at;
  arrivals.push({ subscriber: s, band, data });
  if (complete()) report();
}

/** Parses and checks every first arrival of a band (what the head said, the band's content). */
function checkArrivals(totalRiders: number): void {
  for (const { subscriber, band, data } of arrivals) {
    const message = JSON.parse(data.toString('utf8')) as { payload?: { data?: { onLiveBoard?: BandEvent } } };
    const e = message.payload?.data?.onLiveBoard;
    const wrong =
      e === undefined || e.band !== band
        ? `subscriber ${subscriber.index}: band ${band} event unreadable`
        : checkBand(e, data.length, totalRiders);
    if (wrong !== null && problems.length < 20) problems.push(wrong);
  }
}

function open(
  realtimeUrl: string,
  apiKey: string,
  classId: number,
  sub: { index: number; bands: number[] },
): Promise<Subscriber> {
  const url = new URL(realtimeUrl);
  const auth = { host: url.host, 'x-api-key': apiKey };
  const header = Buffer.from(JSON.stringify(auth)).toString('base64');
  const ws = new WebSocket(`${realtimeUrl}?header=${encodeURIComponent(header)}&payload=e30=`, ['graphql-ws'], {
    perMessageDeflate: false,
  });
  const s: Subscriber = { ...sub, at: sub.bands.map(() => null), ws };
  return new Promise((resolve, reject) => {
    let state: 'init' | 'start' | 'ready' = 'init';
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
    ws.on('message', (data: Buffer) => {
      if (state === 'ready') return onMessage(s, data);
      const m = JSON.parse(data.toString('utf8')) as { type: string };
      if (state === 'init' && m.type === 'connection_ack') {
        state = 'start';
        ws.send(
          JSON.stringify({
            id: `s${sub.index}`,
            type: 'start',
            payload: {
              data: JSON.stringify({ query: SUBSCRIPTION, variables: { classId, bands: sub.bands } }),
              extensions: { authorization: auth },
            },
          }),
        );
      } else if (state === 'start' && m.type === 'start_ack') {
        state = 'ready';
        resolve(s);
      } else if (m.type === 'error' || m.type === 'connection_error') {
        reject(new Error(`subscriber ${sub.index}: ${data.toString('utf8')}`));
      }
    });
  });
}

process.on('message', (raw: ToBandReceiver) => {
  void (async () => {
    try {
      if (raw.type === 'subscribe') {
        for (let i = 0; i < raw.subscribers.length; i += 100) {
          const batch = raw.subscribers.slice(i, i + 100);
          subscribers.push(...(await Promise.all(batch.map((s) => open(raw.realtimeUrl, raw.apiKey, raw.classId, s)))));
        }
        send({ type: 'subscribed' });
      } else if (raw.type === 'arm') {
        armed = { raceId: raw.raceId, totalRiders: raw.totalRiders };
        send({ type: 'armed' });
      } else {
        // The parent gave up waiting: report what arrived.
        report();
        for (const s of subscribers) s.ws.terminate();
        setImmediate(() => process.exit(0));
      }
    } catch (error) {
      send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
