/**
 * A lean WebSocket client (RFC 6455 over node:net) for the fan-out
 * benchmark's receivers. With 1,000 subscribers and 86 KB messages, a general
 * client's per-message work (a fresh read buffer per read, the frame payload
 * joined into one new Buffer, then garbage-collected) times the client rather
 * than the server. This one reads every socket into one reused buffer and
 * compares the bytes of a `data` message as they arrive with the bytes the
 * subscriber must receive, so nothing is allocated per message.
 *
 * What "received" means here: every byte of the message arrived and equals
 * the expected message, the message ended (FIN) at the expected length. A
 * message that differs anywhere is assembled in full and handed to `onOther`
 * (the caller decides: `ka`, or a failure). A subscriber can also `keep` the
 * full bytes of its next messages for a parse after the round.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One read buffer for every socket of the process: reads are handled synchronously. */
const readBuffer = Buffer.allocUnsafe(256 * 1024);

/** The expected message: the subscriber's own envelope, then the round's shared bytes. */
export interface Expected {
  envelope: Buffer;
  rest: Buffer;
}

/** Callbacks of one subscriber connection. */
export interface SubscriberEvents {
  /** A message equal to the expected one was received in full (`at` taken by the caller's clock inside). */
  onExpected(): void;
  /** Any other message (acks, keep-alives, errors, or a data message that differs), in full. */
  onOther(message: Buffer): void;
  /** A close frame or the end of the connection. */
  onClose(reason: string): void;
}

/** One open subscriber connection. */
export interface SubscriberSocket {
  /** Sets what the next text messages are compared with (`undefined`: nothing expected). */
  expect(expected: Expected | undefined, keep: boolean): void;
  /** Full bytes of the expected messages received since the last call when `keep` was set. */
  takeKept(): Buffer[];
  /** Sends one text message (masked, as RFC 6455 requires of clients). */
  sendText(text: string): void;
  destroy(): void;
}

function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + 4 + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 65_536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, headerLength);
  for (let i = 0; i < length; i += 1) frame[headerLength + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return frame;
}

/** Length of the expected message. */
function expectedLength(expected: Expected): number {
  return expected.envelope.length + expected.rest.length;
}

/** Whether `chunk[from, to)` equals the expected message's bytes starting at `offset`. */
function matches(expected: Expected, offset: number, chunk: Buffer, from: number, to: number): boolean {
  const { envelope, rest } = expected;
  if (offset + (to - from) > envelope.length + rest.length) return false;
  let at = from;
  let off = offset;
  if (off < envelope.length) {
    const n = Math.min(envelope.length - off, to - at);
    if (chunk.compare(envelope, off, off + n, at, at + n) !== 0) return false;
    at += n;
    off += n;
  }
  if (at < to) {
    const start = off - envelope.length;
    if (chunk.compare(rest, start, start + (to - at), at, to) !== 0) return false;
  }
  return true;
}

/**
 * Opens a WebSocket to `path` (subprotocol graphql-ws) and resolves once the
 * handshake is done.
 */
export function openSubscriber(port: number, path: string, events: SubscriberEvents): Promise<SubscriberSocket> {
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + GUID)
    .digest('base64');

  let handshake: Buffer | undefined = Buffer.alloc(0);
  let expected: Expected | undefined;
  let keep = false;
  let kept: Buffer[] = [];
  // Frame header being read (up to 10 bytes: server frames are not masked).
  const header = Buffer.alloc(10);
  let headerHave = 0;
  let inPayload = false;
  let payloadLeft = 0;
  let opcode = 0;
  let fin = false;
  // The message being received: how many bytes so far, whether they still equal the expected ones.
  let messageLength = 0;
  let matching = false;
  /** The bytes of a message being assembled (one that differs, or one kept). */
  let parts: Buffer[] | undefined;
  let control: Buffer[] = [];
  let closed = false;

  let resolveOpen: (s: SubscriberSocket) => void = () => undefined;
  let rejectOpen: (e: Error) => void = () => undefined;
  const opened = new Promise<SubscriberSocket>((resolve, reject) => {
    resolveOpen = resolve;
    rejectOpen = reject;
  });

  function close(reason: string): void {
    if (closed) return;
    closed = true;
    socket.destroy();
    events.onClose(reason);
  }

  /** The first `length` expected bytes (they were received and matched). */
  function expectedPrefix(length: number): Buffer {
    return expected ? Buffer.concat([expected.envelope, expected.rest]).subarray(0, length) : Buffer.alloc(0);
  }

  function startMessage(): void {
    messageLength = 0;
    matching = opcode === 1 && expected !== undefined;
    parts = matching && !keep ? undefined : [];
  }

  function messageBytes(chunk: Buffer, from: number, to: number): void {
    if (matching && expected && !matches(expected, messageLength, chunk, from, to)) {
      matching = false;
      parts = [expectedPrefix(messageLength)];
    }
    if (parts) parts.push(Buffer.from(chunk.subarray(from, to)));
    messageLength += to - from;
  }

  function endMessage(): void {
    const whole = parts ? Buffer.concat(parts) : undefined;
    parts = undefined;
    if (matching && expected && messageLength === expectedLength(expected)) {
      if (whole) kept.push(whole);
      events.onExpected();
      return;
    }
    events.onOther(whole ?? expectedPrefix(messageLength));
  }

  function frameDone(): void {
    if (opcode >= 8) {
      const payload = Buffer.concat(control);
      control = [];
      if (opcode === 0x8)
        close(`close frame ${payload.length >= 2 ? payload.readUInt16BE(0) : ''} ${payload.subarray(2).toString()}`);
      // A ping is answered with a pong carrying its payload (masked with a zero mask).
      else if (opcode === 0x9)
        socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length]), Buffer.alloc(4), payload]));
      return;
    }
    if (fin) endMessage();
  }

  function frames(chunk: Buffer, from: number, to: number): void {
    let at = from;
    while (at < to && !closed) {
      if (!inPayload) {
        header[headerHave] = chunk[at] as number;
        headerHave += 1;
        at += 1;
        if (headerHave < 2) continue;
        const second = header[1] as number;
        if ((second & 0x80) !== 0) return close('masked server frame');
        const short = second & 0x7f;
        if (headerHave < (short === 126 ? 4 : short === 127 ? 10 : 2)) continue;
        fin = ((header[0] as number) & 0x80) !== 0;
        opcode = (header[0] as number) & 0x0f;
        payloadLeft =
          short === 126 ? header.readUInt16BE(2) : short === 127 ? Number(header.readBigUInt64BE(2)) : short;
        headerHave = 0;
        // Opcode 0 continues the message; 1 and 2 start one; 8 and up are control frames.
        if (opcode === 1 || opcode === 2) startMessage();
        if (payloadLeft === 0) frameDone();
        else inPayload = true;
        continue;
      }
      const n = Math.min(payloadLeft, to - at);
      if (opcode >= 8) control.push(Buffer.from(chunk.subarray(at, at + n)));
      else messageBytes(chunk, at, at + n);
      payloadLeft -= n;
      at += n;
      if (payloadLeft === 0) {
        inPayload = false;
        frameDone();
      }
    }
  }

  function onHandshakeBytes(chunk: Buffer, to: number): void {
    handshake = Buffer.concat([handshake ?? Buffer.alloc(0), chunk.subarray(0, to)]);
    const end = handshake.indexOf('\r\n\r\n');
    if (end === -1) return;
    const head = handshake.subarray(0, end).toString('latin1');
    const rest = handshake.subarray(end + 4);
    handshake = undefined;
    const lines = head.split('\r\n');
    const fields = new Map(
      lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    if (
      !lines[0]?.startsWith('HTTP/1.1 101') ||
      fields.get('sec-websocket-accept') !== accept ||
      fields.get('sec-websocket-protocol') !== 'graphql-ws'
    ) {
      rejectOpen(new Error(`WebSocket handshake refused: ${head.split('\r\n')[0] ?? ''}`));
      close('handshake refused');
      return;
    }
    resolveOpen(api);
    if (rest.length > 0) frames(rest, 0, rest.length);
  }

  const socket = net.connect({
    host: '127.0.0.1',
    port,
    onread: {
      buffer: readBuffer,
      callback(bytes: number, buffer: Uint8Array): boolean {
        const chunk = buffer as Buffer;
        if (handshake !== undefined) onHandshakeBytes(chunk, bytes);
        else frames(chunk, 0, bytes);
        return true;
      },
    },
  });
  socket.setNoDelay(true);
  socket.on('connect', () => {
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-ws\r\n\r\n`,
    );
  });
  socket.on('error', (error) => {
    rejectOpen(error);
    close(`socket error: ${error.message}`);
  });
  socket.on('close', () => close('connection closed'));

  const api: SubscriberSocket = {
    expect(next, keepNext) {
      expected = next;
      keep = keepNext;
    },
    takeKept() {
      const out = kept;
      kept = [];
      return out;
    },
    sendText(text) {
      socket.write(maskedTextFrame(text));
    },
    destroy() {
      closed = true;
      socket.destroy();
    },
  };
  return opened;
}
