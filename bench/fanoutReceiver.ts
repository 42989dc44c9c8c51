/**
 * Child process of bench/fanout.ts holding one share of the subscribers, each
 * on its own WebSocket (1,000 receivers in one Node process on a 2-core
 * machine time the client, not the server).
 *
 * What a subscriber does with each `data` message:
 * 1. takes the receipt time (shared clock) when `ws` hands over the complete
 *    message, before anything else;
 * 2. checks that the message begins with its own envelope
 *    `{"type":"data","id":"<its id>","payload":`;
 * 3. checks the rest byte for byte against the reference of the round: the
 *    first message of the round in this process, which is JSON-parsed in full
 *    and compared with the published event (every field of every entry);
 * 4. every 50th subscriber's message is also JSON-parsed in full and compared
 *    with the published event once the round is complete (so that parsing
 *    does not delay the other receipts).
 * Any mismatch fails the benchmark.
 *
 * Usage (by bench/fanout.ts only): node --import tsx bench/fanoutReceiver.ts
 */
import { isDeepStrictEqual } from 'node:util';
import type WebSocket from 'ws';
import {
  CLASS_ID,
  ENTRIES,
  connectRealtime,
  inBatches,
  rankingEntries,
  sharedNow,
  startMessage,
  type FromReceiver,
  type ToReceiver,
} from './fanoutShared.js';

/** Every how many subscribers one message is parsed in full (besides each round's reference). */
const PARSE_EVERY = 50;
const KEEP_ALIVE = Buffer.from('{"type":"ka"}');

interface Subscriber {
  id: string;
  /** `{"type":"data","id":"<id>","payload":` */
  envelope: Buffer;
}

interface Round {
  round: number;
  /** The `payload` of the message AppSync sends for this publish. */
  payload: unknown;
  reference: Buffer | undefined;
  times: number[];
  /** Messages kept for a full parse after the round. */
  toParse: Array<{ subscriber: Subscriber; data: Buffer }>;
  seen: Set<string>;
  /** CPU use of this process when the round was armed. */
  cpu: NodeJS.CpuUsage;
}

function send(message: FromReceiver): void {
  process.send?.(message);
}

let sockets: WebSocket[] = [];
let current: Round | undefined;
let count = 0;
let failed = false;

function fail(message: string): void {
  if (failed) return;
  failed = true;
  send({ type: 'failed', message });
}

/** Parses a whole message and compares it with what subscriber `id` must receive. */
function checkParsed(subscriber: Subscriber, data: Buffer, round: Round): boolean {
  const message: unknown = JSON.parse(data.toString('utf8'));
  return isDeepStrictEqual(message, { type: 'data', id: subscriber.id, payload: round.payload });
}

function receive(subscriber: Subscriber, data: Buffer): void {
  const at = sharedNow();
  const round = current;
  if (failed) return;
  if (!round) return fail(`${subscriber.id}: message outside a round: ${data.subarray(0, 80).toString()}`);
  if (data.length < subscriber.envelope.length || !data.subarray(0, subscriber.envelope.length).equals(subscriber.envelope)) {
    // start_ack, ka and complete never come during a round; anything else is wrong.
    return fail(`${subscriber.id}: expected its data message, got ${data.subarray(0, 80).toString()}`);
  }
  if (round.seen.has(subscriber.id)) return fail(`${subscriber.id}: two messages for round ${round.round}`);
  round.seen.add(subscriber.id);
  const body = data.subarray(subscriber.envelope.length);
  if (round.reference === undefined) {
    if (!checkParsed(subscriber, data, round)) return fail(`${subscriber.id}: round ${round.round} event differs from the published one: ${data.subarray(0, 200).toString()}`);
    round.reference = body;
  } else if (!body.equals(round.reference)) {
    return fail(`${subscriber.id}: round ${round.round} payload differs from the other subscribers'`);
  } else if (Number(subscriber.id.slice(4)) % PARSE_EVERY === 0) {
    round.toParse.push({ subscriber, data });
  }
  round.times.push(at);
  if (round.times.length < count) return;
  current = undefined;
  for (const { subscriber: s, data: d } of round.toParse) {
    if (!checkParsed(s, d, round)) return fail(`${s.id}: round ${round.round} event differs from the published one`);
  }
  const cpu = process.cpuUsage(round.cpu);
  send({ type: 'received', round: round.round, times: round.times, parsed: round.toParse.length + 1, cpuMs: (cpu.user + cpu.system) / 1000 });
}

async function subscribe(port: number, first: number, n: number): Promise<void> {
  count = n;
  sockets = await inBatches(n, 100, async (i) => {
    const id = `sub-${first + i}`;
    const subscriber: Subscriber = { id, envelope: Buffer.from(`{"type":"data","id":${JSON.stringify(id)},"payload":`) };
    const startAck = Buffer.from(`{"type":"start_ack","id":${JSON.stringify(id)}}`);
    let acked: () => void = () => undefined;
    const ackedPromise = new Promise<void>((resolve) => (acked = resolve));
    const ws = await connectRealtime(port, (data) => {
      if (data.equals(startAck)) acked();
      else if (!data.equals(KEEP_ALIVE)) receive(subscriber, data);
    });
    ws.send(startMessage(subscriber.id, port));
    await ackedPromise;
    return ws;
  });
}

process.on('message', (raw: unknown) => {
  const message = raw as ToReceiver;
  switch (message.type) {
    case 'subscribe':
      subscribe(message.port, message.first, message.count).then(
        () => send({ type: 'subscribed' }),
        (error: unknown) => fail(`subscribing: ${error instanceof Error ? error.message : String(error)}`),
      );
      return;
    case 'clock':
      send({ type: 'clock', at: sharedNow() });
      return;
    case 'expect': {
      const { round, raceId, updatedAt } = message;
      const payload = { data: { onLiveRankings: { classId: CLASS_ID, raceId, updatedAt, entries: rankingEntries(ENTRIES, round) } } };
      current = { round, payload, reference: undefined, times: [], toParse: [], seen: new Set(), cpu: process.cpuUsage() };
      send({ type: 'armed', round });
      return;
    }
    case 'close':
      for (const ws of sockets) ws.terminate();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
