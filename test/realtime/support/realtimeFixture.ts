/**
 * A real HTTP (or HTTPS) server with the real-time endpoint attached, on a
 * random port, and a test WebSocket client (which trusts the test CA for wss://).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import {
  attachRealtime,
  type RealtimeAttachment,
  type RealtimeBackend,
  type RealtimeOptions,
} from '../../../local/appsync/realtime/index.js';
import { TEST_API_KEY, type GraphqlBackend } from './graphqlBackend.js';
import { graphqlHttpHandler } from './httpEndpoint.js';
import { testCaCert, testCertificates } from './testCertificates.js';

/** `ws`: plain HTTP; `wss`: HTTPS with a certificate of the test CA. */
export type Transport = 'ws' | 'wss';

export interface RealtimeFixture {
  http: Server | TlsServer;
  attachment: RealtimeAttachment;
  /** ws://127.0.0.1:<port>/graphql/realtime (wss:// over TLS) */
  realtimeUrl: string;
  /** http://127.0.0.1:<port>/graphql (https:// over TLS) */
  graphqlUrl: string;
  port: number;
  /** The host clients put in their header objects. */
  host: string;
  warnings: string[];
  close(): Promise<void>;
}

/** Starts an HTTP(S) server on 127.0.0.1 with `attachRealtime` (and `/graphql` when the backend can run operations). */
export async function startRealtime(
  backend: RealtimeBackend,
  options: RealtimeOptions = {},
  port = 0,
  transport: Transport = 'ws',
): Promise<RealtimeFixture> {
  const handler = 'mutate' in backend ? graphqlHttpHandler(backend as GraphqlBackend) : undefined;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    if (handler) {
      handler(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  };
  const http =
    transport === 'wss'
      ? createTlsServer({ ...(await testCertificates()).server }, onRequest)
      : createServer(onRequest);
  const warnings: string[] = [];
  const attachment = attachRealtime(http, backend, { logger: { warn: (m) => warnings.push(m) }, ...options });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    http,
    attachment,
    realtimeUrl: `${transport}://${host}/graphql/realtime`,
    graphqlUrl: `${transport === 'wss' ? 'https' : 'http'}://${host}/graphql`,
    port: (http.address() as AddressInfo).port,
    host,
    warnings,
    async close() {
      await attachment.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Base64 of a header object (standard alphabet, as clients put it in `?header=`). */
export function base64Json(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64');
}

/** `?header=…&payload=e30=` URL for an API-key connection. */
export function apiKeyUrl(fixture: RealtimeFixture, apiKey = TEST_API_KEY): string {
  return `${fixture.realtimeUrl}?header=${encodeURIComponent(
    base64Json({ host: fixture.host, 'x-api-key': apiKey }),
  )}&payload=e30=`;
}

/** Any server message, as parsed JSON. */
export type ServerMessage = { type: string; id?: string; payload?: Record<string, unknown> } & Record<string, unknown>;

/** A WebSocket client that records every message for assertions. */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits for the first recorded message (from `from` on) that matches. */
  async next(match: (m: ServerMessage) => boolean, timeoutMs = 5_000, from = 0): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for a message of `type` (and `id`, if given). */
  nextOf(type: string, id?: string, timeoutMs?: number): Promise<ServerMessage> {
    return this.next((m) => m.type === type && (id === undefined || m.id === id), timeoutMs);
  }

  /** Messages of `type` received so far. */
  ofType(type: string): ServerMessage[] {
    return this.messages.filter((m) => m.type === type);
  }

  close(): void {
    this.ws.close();
  }
}

/** Opens a socket and waits until it is open (rejects on an HTTP refusal). */
export function openSocket(
  url: string,
  protocols: string[] = ['graphql-ws'],
  headers: Record<string, string> = {},
): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    // Only the test CA is trusted over TLS, as a client given the stack's caFile would.
    const ws = new WebSocket(url, protocols, { headers, ...(url.startsWith('wss:') ? { ca: testCaCert() } : {}) });
    const socket = new TestSocket(ws);
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => reject(new Error(`HTTP ${res.statusCode}: ${body}`)));
    });
    ws.once('error', reject);
  });
}

/** Opens an API-key connection and completes connection_init → connection_ack. */
export async function connectWithApiKey(fixture: RealtimeFixture): Promise<TestSocket> {
  const socket = await openSocket(apiKeyUrl(fixture));
  socket.send({ type: 'connection_init' });
  await socket.nextOf('connection_ack');
  return socket;
}

/** A start message with API-key authorization. */
export function startMessage(
  fixture: RealtimeFixture,
  id: string,
  query: string,
  variables: Record<string, unknown> = {},
  apiKey = TEST_API_KEY,
) {
  return {
    id,
    type: 'start',
    payload: {
      data: JSON.stringify({ query, variables }),
      extensions: { authorization: { host: fixture.host, 'x-api-key': apiKey } },
    },
  };
}

/** Sends a start and waits for its start_ack (or throws with the error). */
export async function subscribe(
  socket: TestSocket,
  fixture: RealtimeFixture,
  id: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const from = socket.messages.length;
  socket.send(startMessage(fixture, id, query, variables));
  const reply = await socket.next((m) => m.id === id && (m.type === 'start_ack' || m.type === 'error'), 5_000, from);
  if (reply.type !== 'start_ack') throw new Error(`start ${id} refused: ${JSON.stringify(reply)}`);
}
