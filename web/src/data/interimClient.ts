/**
 * A browser GraphQL client for AppSync with an API key: HTTP for queries and
 * mutations, AppSync's real-time WebSocket protocol (subprotocol graphql-ws,
 * header/payload query parameters, connection_init → connection_ack, ka,
 * start/start_ack/data/stop/complete) for subscriptions, with keep-alive
 * timeout detection, reconnect with backoff and resubscribe.
 * Stands in for the SDK's transport until client/ provides it.
 */
import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { RawResult } from './Api.js';
import { GraphQLResponseError, type SdkClient, type SubscriptionObserver } from './SdkClient.js';
import type { ConnectionState } from './types.js';

export interface InterimClientOptions {
  graphqlUrl: string;
  realtimeUrl: string;
  apiKey: string;
  /** Backoff bounds between reconnect attempts. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

interface Sub {
  id: string;
  data: string;
  observer: SubscriptionObserver<RawResult>;
}

function b64(json: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(json));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

export function createInterimClient(opts: InterimClientOptions): SdkClient {
  const host = new URL(opts.graphqlUrl, window.location.href).host;
  const auth = { host, 'x-api-key': opts.apiKey };
  const subs = new Map<string, Sub>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'idle';
  let socket: WebSocket | null = null;
  let acked = false;
  let kaTimer: ReturnType<typeof setTimeout> | undefined;
  let kaTimeoutMs = 300_000;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 0;

  const setState = (s: ConnectionState): void => {
    if (s === state) return;
    state = s;
    for (const l of stateListeners) l(s);
  };

  const armKeepAlive = (): void => {
    if (kaTimer) clearTimeout(kaTimer);
    // AppSync: the client closes the connection if no ka arrives within connectionTimeoutMs.
    kaTimer = setTimeout(() => socket?.close(4000, 'keep-alive timeout'), kaTimeoutMs);
  };

  const sendStart = (sub: Sub): void => {
    socket?.send(JSON.stringify({ id: sub.id, type: 'start', payload: { data: sub.data, extensions: { authorization: auth } } }));
  };

  const scheduleReconnect = (): void => {
    if (subs.size === 0) {
      setState('idle');
      return;
    }
    setState('reconnecting');
    const min = opts.minBackoffMs ?? 500;
    const max = opts.maxBackoffMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    reconnectTimer = setTimeout(connect, delay);
  };

  function connect(): void {
    reconnectTimer = undefined;
    if (socket || subs.size === 0) return;
    if (state !== 'reconnecting') setState('connecting');
    const url = new URL(opts.realtimeUrl, window.location.href);
    url.searchParams.set('header', b64(auth));
    url.searchParams.set('payload', 'e30=');
    const ws = new WebSocket(url.toString(), ['graphql-ws']);
    socket = ws;
    acked = false;
    ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }));
    ws.onmessage = (ev: MessageEvent) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch (err) {
        console.warn('realtime: unreadable frame', err);
        return;
      }
      if (!isRecord(msg)) return;
      const id = typeof msg.id === 'string' ? msg.id : undefined;
      const payload = isRecord(msg.payload) ? msg.payload : undefined;
      switch (msg.type) {
        case 'connection_ack':
          acked = true;
          attempt = 0;
          if (payload && typeof payload.connectionTimeoutMs === 'number') kaTimeoutMs = payload.connectionTimeoutMs;
          armKeepAlive();
          setState('connected');
          for (const sub of subs.values()) sendStart(sub);
          break;
        case 'ka':
          armKeepAlive();
          break;
        case 'data': {
          const sub = id ? subs.get(id) : undefined;
          if (sub && payload) sub.observer.next({ data: payload.data, errors: Array.isArray(payload.errors) ? payload.errors : undefined });
          break;
        }
        case 'error': {
          const sub = id ? subs.get(id) : undefined;
          const errors = payload && Array.isArray(payload.errors) ? payload.errors : [{ message: 'subscription error' }];
          if (sub) {
            subs.delete(sub.id);
            sub.observer.error(new GraphQLResponseError(errors));
          }
          break;
        }
        case 'connection_error': {
          const errors = payload && Array.isArray(payload.errors) ? payload.errors : [{ message: 'connection error' }];
          for (const sub of subs.values()) sub.observer.error(new GraphQLResponseError(errors));
          subs.clear();
          ws.close();
          break;
        }
        case 'complete': {
          const sub = id ? subs.get(id) : undefined;
          if (sub) {
            subs.delete(sub.id);
            sub.observer.complete?.();
          }
          break;
        }
        default:
          break; // start_ack and anything newer: nothing to do.
      }
    };
    ws.onclose = () => {
      if (kaTimer) clearTimeout(kaTimer);
      socket = null;
      acked = false;
      scheduleReconnect();
    };
  }

  const subscribeRaw = (
    query: string,
    variables: Record<string, unknown> | undefined,
    observer: SubscriptionObserver<RawResult>,
  ): (() => void) => {
    nextId += 1;
    const sub: Sub = { id: `s${nextId}-${Math.random().toString(36).slice(2, 10)}`, data: JSON.stringify({ query, variables: variables ?? {} }), observer };
    subs.set(sub.id, sub);
    if (socket && acked) sendStart(sub);
    else if (!socket && !reconnectTimer) connect();
    return () => {
      if (!subs.delete(sub.id)) return;
      if (socket && acked) socket.send(JSON.stringify({ type: 'stop', id: sub.id }));
      if (subs.size === 0) {
        if (reconnectTimer) clearTimeout(reconnectTimer);
        reconnectTimer = undefined;
        // The last subscription is gone: close after a moment (a new page usually subscribes again at once).
        setTimeout(() => {
          if (subs.size === 0 && socket) {
            const s = socket;
            socket = null;
            s.onclose = null;
            s.close(1000);
            if (kaTimer) clearTimeout(kaTimer);
            setState('idle');
          }
        }, 2000);
      }
    };
  };

  const requestRaw = async (query: string, variables: Record<string, unknown> | undefined, operationName?: string | null): Promise<RawResult> => {
    const res = await fetch(opts.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': opts.apiKey },
      body: JSON.stringify({ query, variables: variables ?? {}, ...(operationName ? { operationName } : {}) }),
    });
    const body: unknown = await res.json();
    if (!isRecord(body)) throw new Error(`GraphQL endpoint answered ${res.status} with a non-object`);
    return { data: body.data, errors: Array.isArray(body.errors) ? body.errors : undefined };
  };

  const typed = async <R,>(doc: DocumentNode, variables: unknown): Promise<R> => {
    const result = await requestRaw(print(doc), variables as Record<string, unknown>);
    if (result.errors && result.errors.length > 0) throw new GraphQLResponseError(result.errors);
    return result.data as R;
  };

  return {
    query: <R, V>(doc: TypedDocumentNode<R, V>, variables: V) => typed<R>(doc, variables),
    mutate: <R, V>(doc: TypedDocumentNode<R, V>, variables: V) => typed<R>(doc, variables),
    subscribe<R, V>(doc: TypedDocumentNode<R, V>, variables: V, observer: SubscriptionObserver<R>) {
      return subscribeRaw(print(doc), variables as Record<string, unknown>, {
        next: (r) => {
          if (r.errors && r.errors.length > 0) observer.error(new GraphQLResponseError(r.errors));
          else observer.next(r.data as R);
        },
        error: observer.error,
        complete: () => observer.complete?.(),
      });
    },
    onConnectionState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => {
        stateListeners.delete(listener);
      };
    },
    requestRaw,
    subscribeRaw,
  };
}
