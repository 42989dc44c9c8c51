/**
 * The SDK's side of AppSync's real-time protocol: one WebSocket shared by all
 * subscriptions, opened on the first subscribe and closed after the last
 * unsubscribe; keep-alive timeout detection (no `ka` within
 * `connectionTimeoutMs` ⇒ the connection is dead), reconnect with jittered
 * exponential backoff and resubscribe; `connection_error` 400/401/403 is final,
 * as in AWS's clients.
 */
import { realtimeAuthHeaders, type ClientAuth } from './auth.js';
import { base64Json } from './base64.js';
import { isRecord } from '../lib/isRecord.js';
import { toError } from '../lib/toError.js';
import { ConnectionRefusedError, SubscriptionError, toErrorEntries } from './errors.js';
import type { RawResult } from './http.js';
import { OPEN, openWebSocket, type WebSocketConstructorLike, type WebSocketLike } from './websocket.js';

/** The real-time connection as a page shows it. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Receives the events of one subscription. */
export interface RawSink {
  next(result: RawResult): void;
  error(error: Error): void;
  complete(): void;
}

/** Options of the real-time connection (defaults follow AWS's clients). */
export interface RealtimeConnectionOptions {
  realtimeUrl: string;
  graphqlUrl: URL;
  auth: ClientAuth;
  WebSocket: WebSocketConstructorLike;
  /** Wait for `connection_ack` and for each `start_ack` (AWS clients: 15 s). */
  ackTimeoutMs?: number;
  /** Overrides the server's `connectionTimeoutMs` (tests). */
  keepAliveTimeoutMs?: number;
  /** First reconnect delay and cap (full jitter between half and all of it). */
  initialRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** How long an unused connection stays open after the last unsubscribe. */
  lazyCloseMs?: number;
  /** Random in [0, 1) (tests may pin the jitter). */
  random?: () => number;
}

interface Operation {
  id: string;
  data: string;
  sink: RawSink;
  state: 'waiting' | 'starting' | 'active';
  ackTimer?: ReturnType<typeof setTimeout> | undefined;
}

const FINAL_ERROR_CODES = new Set([400, 401, 403]);

let idCounter = 0;
function newId(): string {
  idCounter += 1;
  const random = globalThis.crypto?.randomUUID?.();
  return random ?? `${Date.now().toString(36)}-${idCounter}`;
}

/** Creates the connection manager; nothing connects until the first subscribe. */
export function createRealtimeConnection(options: RealtimeConnectionOptions) {
  const {
    realtimeUrl,
    graphqlUrl,
    auth,
    WebSocket: WebSocketImpl,
    ackTimeoutMs = 15_000,
    keepAliveTimeoutMs,
    initialRetryDelayMs = 500,
    maxRetryDelayMs = 30_000,
    lazyCloseMs = 1_000,
    random = Math.random,
  } = options;

  const operations = new Map<string, Operation>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'idle';
  let socket: WebSocketLike | undefined;
  let acked = false;
  let attempt = 0;
  let closedByUser = false;
  let connectTimer: ReturnType<typeof setTimeout> | undefined;
  let keepAliveTimer: ReturnType<typeof setTimeout> | undefined;
  let ackTimer: ReturnType<typeof setTimeout> | undefined;
  let lazyCloseTimer: ReturnType<typeof setTimeout> | undefined;
  let keepAliveMs = 300_000;

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  }

  function clearConnectionTimers(): void {
    clearTimeout(keepAliveTimer);
    clearTimeout(ackTimer);
    keepAliveTimer = undefined;
    ackTimer = undefined;
    for (const op of operations.values()) {
      clearTimeout(op.ackTimer);
      op.ackTimer = undefined;
    }
  }

  function armKeepAlive(): void {
    clearTimeout(keepAliveTimer);
    keepAliveTimer = setTimeout(() => drop('keep-alive timeout'), keepAliveMs);
  }

  /** Forgets the current socket and its timers; the caller closes it. */
  function detachSocket(): WebSocketLike | undefined {
    const current = socket;
    socket = undefined;
    acked = false;
    clearConnectionTimers();
    return current;
  }

  /** Closes the current socket on purpose (1000, `reason`) without its handlers hearing of it. */
  function closeSocket(reason: string): void {
    const current = detachSocket();
    if (current) {
      current.onclose = null;
      current.onmessage = null;
      current.close(1000, reason);
    }
  }

  /** Abandons the current socket (dead or refused) and reconnects if anything is subscribed. */
  function drop(_why: string): void {
    const current = detachSocket();
    if (current) {
      current.onopen = null;
      current.onmessage = null;
      current.onclose = null;
      current.onerror = null;
      try {
        current.close(4000, _why);
      } catch (error) {
        // A socket that never opened cannot be closed cleanly; it is abandoned either way.
        void toError(error);
      }
    }
    for (const op of operations.values()) op.state = 'waiting';
    if (closedByUser) return;
    if (operations.size === 0) {
      setState('idle');
      return;
    }
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    setState('reconnecting');
    const ceiling = Math.min(maxRetryDelayMs, initialRetryDelayMs * 2 ** attempt);
    const delay = ceiling / 2 + (random() * ceiling) / 2;
    attempt += 1;
    clearTimeout(connectTimer);
    connectTimer = setTimeout(() => void connect(), delay);
  }

  function failAll(error: Error): void {
    const ops = [...operations.values()];
    operations.clear();
    for (const op of ops) op.sink.error(error);
  }

  /** Fired and forgotten: a signing failure schedules a reconnect rather than rejecting. */
  async function connect(): Promise<void> {
    if (socket || closedByUser) return;
    setState(attempt === 0 ? 'connecting' : 'reconnecting');
    let headers: Record<string, string>;
    try {
      headers = await realtimeAuthHeaders(auth, graphqlUrl, '{}', true);
    } catch (error) {
      void toError(error);
      if (operations.size > 0) scheduleReconnect();
      return;
    }
    if (socket || closedByUser || operations.size === 0) {
      if (operations.size === 0 && !socket) setState('idle');
      return;
    }
    const url = `${realtimeUrl}${realtimeUrl.includes('?') ? '&' : '?'}header=${encodeURIComponent(
      base64Json(headers),
    )}&payload=e30%3D`;
    const ws = openWebSocket(WebSocketImpl, url, ['graphql-ws']);
    socket = ws;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: 'connection_init' }));
      ackTimer = setTimeout(() => drop('connection_ack timeout'), ackTimeoutMs);
    };
    ws.onmessage = (event) => {
      if (socket === ws && typeof event.data === 'string') handleMessage(event.data);
    };
    ws.onclose = () => {
      if (socket === ws) drop('closed');
    };
    ws.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
  }

  function handleMessage(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      void toError(error);
      return;
    }
    if (!isRecord(message)) return;
    const op = typeof message.id === 'string' ? operations.get(message.id) : undefined;
    const payload = isRecord(message.payload) ? message.payload : {};
    switch (message.type) {
      case 'connection_ack': {
        clearTimeout(ackTimer);
        acked = true;
        attempt = 0;
        const serverTimeout = typeof payload.connectionTimeoutMs === 'number' ? payload.connectionTimeoutMs : 300_000;
        keepAliveMs = keepAliveTimeoutMs ?? serverTimeout;
        armKeepAlive();
        setState('connected');
        for (const waiting of operations.values()) if (waiting.state === 'waiting') void start(waiting);
        return;
      }
      case 'ka':
        armKeepAlive();
        return;
      case 'connection_error': {
        const errors = toErrorEntries(payload.errors);
        const code = errors[0]?.errorCode;
        if (typeof code === 'number' && FINAL_ERROR_CODES.has(code)) {
          failAll(new ConnectionRefusedError(errors));
        }
        drop('connection_error');
        return;
      }
      case 'start_ack':
        if (op) {
          clearTimeout(op.ackTimer);
          op.state = 'active';
        }
        return;
      case 'data': {
        if (!op) return;
        const result: RawResult = {};
        if ('data' in payload) result.data = payload.data;
        if (payload.errors !== undefined) result.errors = toErrorEntries(payload.errors);
        op.sink.next(result);
        return;
      }
      case 'error':
        if (op) {
          finish(op);
          op.sink.error(new SubscriptionError(toErrorEntries(payload.errors)));
        }
        return;
      case 'complete':
        if (op) {
          finish(op);
          op.sink.complete();
        }
        return;
      default:
        return;
    }
  }

  /** Fired and forgotten: a signing failure ends the operation through its sink rather than rejecting. */
  async function start(op: Operation): Promise<void> {
    op.state = 'starting';
    const ws = socket;
    let authorization: Record<string, string>;
    try {
      authorization = await realtimeAuthHeaders(auth, graphqlUrl, op.data, false);
    } catch (error) {
      finish(op);
      op.sink.error(toError(error));
      return;
    }
    // The connection or the operation may have gone while signing.
    if (socket !== ws || !ws || !acked || operations.get(op.id) !== op || op.state !== 'starting') return;
    ws.send(JSON.stringify({ id: op.id, type: 'start', payload: { data: op.data, extensions: { authorization } } }));
    op.ackTimer = setTimeout(() => {
      finish(op);
      op.sink.error(
        new SubscriptionError([{ message: `start_ack not received within ${ackTimeoutMs} ms`, errorType: 'Timeout' }]),
      );
    }, ackTimeoutMs);
  }

  function finish(op: Operation): void {
    clearTimeout(op.ackTimer);
    operations.delete(op.id);
    if (operations.size === 0) scheduleLazyClose();
  }

  function scheduleLazyClose(): void {
    clearTimeout(lazyCloseTimer);
    lazyCloseTimer = setTimeout(() => {
      if (operations.size > 0) return;
      clearTimeout(connectTimer);
      closeSocket('no subscriptions');
      if (!closedByUser) setState('idle');
    }, lazyCloseMs);
  }

  /** Starts a subscription whose `data` is the stringified `{query, variables}`; returns its stop. */
  function subscribe(data: string, sink: RawSink): () => void {
    if (closedByUser) {
      sink.error(new Error('The client is closed.'));
      return () => undefined;
    }
    const op: Operation = { id: newId(), data, sink, state: 'waiting' };
    operations.set(op.id, op);
    clearTimeout(lazyCloseTimer);
    if (socket && acked) void start(op);
    else if (!socket && state !== 'reconnecting') void connect();
    return () => {
      if (operations.get(op.id) !== op) return;
      const wasStarted = op.state !== 'waiting';
      finish(op);
      if (wasStarted && socket && socket.readyState === OPEN && acked)
        socket.send(JSON.stringify({ type: 'stop', id: op.id }));
    };
  }

  return {
    subscribe,
    /** The current state. */
    state: (): ConnectionState => state,
    /** Calls `listener` on every state change; returns its removal. */
    onState(listener: (state: ConnectionState) => void): () => void {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    /** Ends every subscription and closes the socket for good. */
    close(): void {
      closedByUser = true;
      clearTimeout(connectTimer);
      clearTimeout(lazyCloseTimer);
      const ops = [...operations.values()];
      operations.clear();
      closeSocket('client closed');
      setState('closed');
      for (const op of ops) op.sink.complete();
    },
  };
}

/** The connection manager's interface. */
export type RealtimeConnection = ReturnType<typeof createRealtimeConnection>;
