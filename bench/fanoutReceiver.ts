/**
 * Child process of bench/fanout.ts holding one share of the subscribers, each
 * on its own WebSocket (bench/fanoutSubscriber.ts: 1,000 general-purpose
 * clients in two Node processes on a 2-core machine time the clients, not the
 * server).
 *
 * What a subscriber does with each `data` message of a round:
 * 1. compares every byte, as it arrives, with the message it must receive:
 *    `{"type":"data","id":"<its own id>","payload":` + the published event as
 *    JSON (built here from the round's input, in the subscription's field
 *    order) + `}`; the message must end exactly there;
 * 2. takes the receipt time (shared clock) when the last byte arrived and
 *    matched;
 * 3. every 50th subscriber also keeps the bytes, and once the round is
 *    complete they are JSON-parsed and compared field by field with the
 *    published event (so that parsing does not delay the other receipts).
 * A message that differs, a second message, a close, or anything but a `ka`
 * during a round fails the benchmark.
 *
 * Usage (by bench/fanout.ts only): node --import tsx bench/fanoutReceiver.ts
 */
import { isDeepStrictEqual } from 'node:util';
import {
  CLASS_ID,
  ENTRIES,
  rankingEntries,
  sharedNow,
  startMessage,
  FANOUT_API_KEY,
  type FromReceiver,
  type ToReceiver,
} from './fanoutShared.js';
import { openSubscriber, type SubscriberSocket } from './fanoutSubscriber.js';

/** Every how many subscribers one message is parsed in full after each round. */
const PARSE_EVERY = 50;
const KEEP_ALIVE = '{"type":"ka"}';

interface Subscriber {
  id: string;
  index: number;
  socket: SubscriberSocket;
  /** `{"type":"data","id":"<id>","payload":` */
  envelope: Buffer;
  /** Resolves setup steps (ack, start_ack) with the next non-ka message. */
  waiting: ((message: string) => void) | undefined;
  receivedRound: number;
}

interface Round {
  round: number;
  /** The `payload` of the message AppSync sends for this publish. */
  payload: unknown;
  times: number[];
  /** CPU use of this process when the round was armed. */
  cpu: NodeJS.CpuUsage;
}

function send(message: FromReceiver): void {
  process.send?.(message);
}

const subscribers: Subscriber[] = [];
let current: Round | undefined;
let failed = false;
let closing = false;

function fail(message: string): void {
  if (failed) return;
  failed = true;
  send({ type: 'failed', message });
}

function received(subscriber: Subscriber): void {
  const at = sharedNow();
  const round = current;
  if (failed) return;
  if (!round) return fail(`${subscriber.id}: data outside a round`);
  if (subscriber.receivedRound === round.round) return fail(`${subscriber.id}: two messages for round ${round.round}`);
  subscriber.receivedRound = round.round;
  round.times.push(at);
  if (round.times.length === subscribers.length) finishRound(round);
}

function finishRound(round: Round): void {
  current = undefined;
  let parsed = 0;
  for (const subscriber of subscribers) {
    subscriber.socket.expect(undefined, false);
    for (const bytes of subscriber.socket.takeKept()) {
      const message: unknown = JSON.parse(bytes.toString('utf8'));
      if (!isDeepStrictEqual(message, { type: 'data', id: subscriber.id, payload: round.payload })) {
        return fail(`${subscriber.id}: round ${round.round} event differs from the published one when parsed`);
      }
      parsed += 1;
    }
  }
  const sampled = subscribers.filter((s) => s.index % PARSE_EVERY === 0).length;
  if (parsed !== sampled) return fail(`round ${round.round}: ${parsed}/${sampled} sampled messages parsed in full`);
  const cpu = process.cpuUsage(round.cpu);
  send({ type: 'received', round: round.round, times: round.times, parsed, cpuMs: (cpu.user + cpu.system) / 1000 });
}

function other(subscriber: Subscriber, message: Buffer): void {
  const text = message.toString('utf8');
  if (text === KEEP_ALIVE) return;
  const waiting = subscriber.waiting;
  if (waiting) {
    subscriber.waiting = undefined;
    waiting(text);
    return;
  }
  const what = message.subarray(0, subscriber.envelope.length).equals(subscriber.envelope)
    ? 'data message that differs from the published event'
    : 'unexpected message';
  fail(`${subscriber.id}: ${what}: ${text.slice(0, 200)}`);
}

function nextMessage(subscriber: Subscriber): Promise<string> {
  return new Promise((resolve) => (subscriber.waiting = resolve));
}

async function open(port: number, index: number): Promise<Subscriber> {
  const id = `sub-${index}`;
  const header = Buffer.from(JSON.stringify({ host: `127.0.0.1:${port}`, 'x-api-key': FANOUT_API_KEY })).toString(
    'base64',
  );
  const subscriber: Subscriber = {
    id,
    index,
    socket: undefined as unknown as SubscriberSocket,
    envelope: Buffer.from(`{"type":"data","id":${JSON.stringify(id)},"payload":`),
    waiting: undefined,
    receivedRound: -1,
  };
  let firstMessage = nextMessage(subscriber);
  subscriber.socket = await openSubscriber(
    port,
    `/graphql/realtime?header=${encodeURIComponent(header)}&payload=e30=`,
    {
      onExpected: () => received(subscriber),
      onOther: (message) => other(subscriber, message),
      onClose: (reason) => {
        if (!closing) fail(`${id}: ${reason}`);
      },
    },
  );
  subscriber.socket.sendText('{"type":"connection_init"}');
  const ack = await firstMessage;
  if (!ack.startsWith('{"type":"connection_ack"')) throw new Error(`${id}: expected connection_ack, got ${ack}`);
  firstMessage = nextMessage(subscriber);
  subscriber.socket.sendText(startMessage(id, port));
  const startAck = await firstMessage;
  if (startAck !== `{"type":"start_ack","id":${JSON.stringify(id)}}`)
    throw new Error(`${id}: expected start_ack, got ${startAck}`);
  return subscriber;
}

async function subscribe(port: number, first: number, count: number): Promise<void> {
  for (let start = 0; start < count; start += 100) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(100, count - start) }, (_, j) => open(port, first + start + j)),
    );
    subscribers.push(...batch);
  }
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
      const payload = {
        data: { onLiveRankings: { classId: CLASS_ID, raceId, updatedAt, entries: rankingEntries(ENTRIES, round) } },
      };
      const rest = Buffer.from(`${JSON.stringify(payload)}}`);
      for (const subscriber of subscribers)
        subscriber.socket.expect({ envelope: subscriber.envelope, rest }, subscriber.index % PARSE_EVERY === 0);
      current = { round, payload, times: [], cpu: process.cpuUsage() };
      send({ type: 'armed', round });
      return;
    }
    case 'close':
      closing = true;
      for (const subscriber of subscribers) subscriber.socket.destroy();
      process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
