/**
 * The `ws` adapter: serves AppSync's real-time endpoint on existing HTTP or
 * HTTPS servers (`/graphql/realtime` by default, the path AWS uses for custom
 * domains) and hands each socket to the transport-free core: one core for all
 * of them, so ws:// and wss:// clients share subscriptions and the same rules.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Server as TlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { RealtimeBackend } from './backend.js';
import { GRAPHQL_WS, offeredProtocols, readHandshakeHeaders } from './handshakeHeaders.js';
import { resolveRealtimeOptions, type RealtimeOptions } from './options.js';
import { createRealtimeServer, type RealtimeServer } from './realtimeServer.js';
import type { RealtimeSocket } from './socket.js';
import { WAF_FORBIDDEN_BODY, WAF_FORBIDDEN_STATUS, clientAddress, type WebAcl } from '../webAcl.js';

/** The attached endpoint. */
export interface RealtimeAttachment {
  /** The core (connection counts, publish reports). */
  server: RealtimeServer;
  /** Closes every connection and detaches from the servers. */
  close(): Promise<void>;
}

/** Frames above this are refused by `ws` itself (close 1009) before reaching the core. */
const HARD_FRAME_LIMIT_FACTOR = 4;

/** The parts of a `ws` socket we write frames to directly (see `writeTextFrame`). */
interface WsInternals {
  _socket?: Duplex | null;
  _sender?: { _bufferedBytes?: number } | null;
}

/** Bytes of the RFC 6455 header of one unmasked, final text frame of `length` bytes. */
function textFrameHeaderBytes(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/** Writes that header at the start of `target`. */
function writeTextFrameHeader(target: Buffer, length: number): void {
  target[0] = 0x81;
  if (length < 126) target[1] = length;
  else if (length < 65_536) {
    target[1] = 126;
    target.writeUInt16BE(length, 2);
  } else {
    target[1] = 127;
    target.writeBigUInt64BE(BigInt(length), 2);
  }
}

/**
 * Writes the parts as ONE text frame straight to the TCP socket (one writev,
 * no copy of the shared payload, nothing for the client to reassemble): the
 * frame header and the first (small, per-subscription) part go out as one
 * buffer, the shared parts after it as they are.
 * Only when `ws` has nothing queued of its own (it queues only while
 * compressing, which is off) and the socket is open; otherwise returns false.
 */
function writeTextFrame(ws: WebSocket, parts: readonly Uint8Array[]): boolean {
  const internals = ws as unknown as WsInternals;
  const socket = internals._socket;
  const first = parts[0];
  if (ws.readyState !== ws.OPEN || !socket || first === undefined || (internals._sender?._bufferedBytes ?? 0) !== 0)
    return false;
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const headerBytes = textFrameHeaderBytes(length);
  const lead = Buffer.allocUnsafe(headerBytes + first.byteLength);
  writeTextFrameHeader(lead, length);
  lead.set(first, headerBytes);
  if (parts.length === 1) {
    socket.write(lead);
    return true;
  }
  socket.cork();
  socket.write(lead);
  for (let i = 1; i < parts.length; i += 1) socket.write(parts[i] as Uint8Array);
  socket.uncork();
  return true;
}

function toSocketPort(ws: WebSocket): RealtimeSocket {
  return {
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send(text) {
      ws.send(text);
    },
    sendParts(parts) {
      if (writeTextFrame(ws, parts)) return;
      // Fallback: one text message in several frames (still no copy of the shared payload).
      const last = parts.length - 1;
      parts.forEach((part, i) => ws.send(part, { binary: false, fin: i === last, compress: false }));
    },
    close(code, reason) {
      ws.close(code, reason);
    },
    terminate() {
      ws.terminate();
    },
  };
}

function rawDataToText(data: RawData): { text: string; byteLength: number } {
  if (Array.isArray(data)) {
    const joined = Buffer.concat(data);
    return { text: joined.toString('utf8'), byteLength: joined.byteLength };
  }
  if (data instanceof ArrayBuffer) return { text: Buffer.from(data).toString('utf8'), byteLength: data.byteLength };
  return { text: data.toString('utf8'), byteLength: data.byteLength };
}

function refuseUpgrade(socket: Duplex, status: number, statusText: string, errorBody: unknown): void {
  const body = JSON.stringify(errorBody);
  socket.end(
    `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(
      body,
    )}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** A server whose upgrade requests the endpoint answers. */
export type UpgradeServer = Server | TlsServer;

/**
 * Serves AppSync's real-time protocol on `servers` for upgrades to
 * `options.path`. Other upgrade paths are left to other listeners (and
 * destroyed when a server has none).
 */
export function attachRealtime(
  servers: UpgradeServer | readonly UpgradeServer[],
  backend: RealtimeBackend,
  options: RealtimeOptions & { webAcl?: WebAcl } = {},
): RealtimeAttachment {
  const { webAcl } = options;
  const opts = resolveRealtimeOptions(options);
  const core = createRealtimeServer(backend, opts);
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: opts.maxMessageBytes * HARD_FRAME_LIMIT_FACTOR,
    handleProtocols: (protocols) => (protocols.has(GRAPHQL_WS) ? GRAPHQL_WS : false),
  });
  const sockets = new Set<WebSocket>();

  const attached: readonly UpgradeServer[] = Array.isArray(servers) ? servers : [servers as UpgradeServer];

  function onUpgrade(server: UpgradeServer, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname !== opts.path) {
      if (server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    socket.on('error', (error) => opts.logger.warn(`upgrade socket error: ${error.message}`));
    // The handshake is a web request: the API's web ACL decides on it first.
    if (webAcl && !webAcl.admit(clientAddress(request.socket.remoteAddress))) {
      refuseUpgrade(socket, WAF_FORBIDDEN_STATUS, 'Forbidden', WAF_FORBIDDEN_BODY);
      return;
    }
    if (!offeredProtocols(request.headers).includes(GRAPHQL_WS)) {
      refuseUpgrade(socket, 400, 'Bad Request', {
        errors: [{ errorType: 'BadRequestException', message: `The ${GRAPHQL_WS} subprotocol is required.` }],
      });
      return;
    }
    const headers = readHandshakeHeaders({ url: request.url ?? '/', headers: request.headers });
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      const connection = core.accept(toSocketPort(ws), headers);
      ws.on('message', (data) => {
        const { text, byteLength } = rawDataToText(data);
        connection.message(text, byteLength);
      });
      // Oversize frames, bad UTF-8 and resets end here as errors: the socket closes, the server stays up.
      ws.on('error', (error) => opts.logger.warn(`socket error: ${error.message}`));
      ws.on('close', () => {
        sockets.delete(ws);
        connection.closed();
      });
    });
  }

  const listeners = attached.map((server) => {
    const listener = (request: IncomingMessage, socket: Duplex, head: Buffer): void =>
      onUpgrade(server, request, socket, head);
    server.on('upgrade', listener);
    return { server, listener };
  });
  return {
    server: core,
    async close() {
      for (const { server, listener } of listeners) server.off('upgrade', listener);
      core.close();
      await new Promise<void>((resolve) => {
        if (sockets.size === 0) return resolve();
        const timer = setTimeout(() => {
          for (const ws of sockets) ws.terminate();
          resolve();
        }, 1_000);
        timer.unref();
        let open = sockets.size;
        for (const ws of sockets) {
          ws.once('close', () => {
            open -= 1;
            if (open === 0) {
              clearTimeout(timer);
              resolve();
            }
          });
        }
      });
      wss.close();
    },
  };
}
