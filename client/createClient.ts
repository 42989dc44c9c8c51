/**
 * The Alleycat client: typed queries, mutations and subscriptions against
 * AppSync, or the local stack, with the same code. HTTP for queries and
 * mutations (fetch), AppSync's real-time WebSocket protocol for subscriptions
 * (globalThis.WebSocket, or the `ws` class passed in on Node 20).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { getOperationAST, print, type DocumentNode } from 'graphql';
import type { ClientAuth } from './auth.js';
import { GraphQLResponseError, type GraphQLErrorEntry } from './errors.js';
import { postGraphql, type FetchLike, type RawResult } from './http.js';
import { createRealtimeConnection, type ConnectionState, type RawSink } from './realtimeConnection.js';
import { realtimeUrlFor } from './realtimeUrl.js';
import type { WebSocketConstructorLike } from './websocket.js';

/** Options of `createClient`. */
export interface ClientOptions {
  /** `https://<id>.appsync-api.<region>.amazonaws.com/graphql`, or the local stack's. */
  graphqlUrl: string;
  /** Defaults to the URL AWS derives from `graphqlUrl`. */
  realtimeUrl?: string;
  auth: ClientAuth;
  /** Defaults to globalThis.WebSocket (pass `ws`'s class on Node 20). */
  WebSocket?: WebSocketConstructorLike;
  /** Defaults to globalThis.fetch. */
  fetch?: FetchLike;
  /** Real-time tuning (AWS clients' values by default). */
  realtime?: {
    ackTimeoutMs?: number;
    keepAliveTimeoutMs?: number;
    initialRetryDelayMs?: number;
    maxRetryDelayMs?: number;
    lazyCloseMs?: number;
  };
}

/** Callbacks of a subscription. */
export interface SubscriptionObserver<T> {
  next(value: T): void;
  error?(error: Error): void;
  complete?(): void;
}

/** A subscription consumed with `for await`; `unsubscribe()` (or `break`) ends it. */
export interface SubscriptionIterator<T> extends AsyncIterableIterator<T> {
  unsubscribe(): void;
}

/** The client. */
export interface AlleycatClient {
  /** Runs a query; rejects with GraphQLResponseError when the response has errors. */
  query<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R>;
  /** Runs a mutation; rejects with GraphQLResponseError when the response has errors. */
  mutate<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R>;
  /** Subscribes with callbacks; returns the unsubscribe function. */
  subscribe<R, V>(document: TypedDocumentNode<R, V>, variables: V, observer: SubscriptionObserver<R>): () => void;
  /** Subscribes as an async iterator. */
  subscribe<R, V>(document: TypedDocumentNode<R, V>, variables: V): SubscriptionIterator<R>;
  /** A query or mutation as text; GraphQL errors come back in the result, not thrown. */
  requestRaw(query: string, variables?: Record<string, unknown>, operationName?: string | null): Promise<RawResult>;
  /** A subscription as text; every event (data and errors) as it arrives. */
  subscribeRaw(
    query: string,
    variables: Record<string, unknown> | undefined,
    observer: SubscriptionObserver<RawResult>,
  ): () => void;
  /** State changes of the real-time connection ("reconnecting…" indicators); returns the removal. */
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /** The real-time connection's current state. */
  connectionState(): ConnectionState;
  /** Ends every subscription and closes the real-time connection. */
  close(): void;
}

function operationNameOf(document: DocumentNode): string | undefined {
  return getOperationAST(document)?.name?.value;
}

function dataOrThrow<R>(result: RawResult): R {
  if (result.errors && result.errors.length > 0) throw new GraphQLResponseError(result.errors, result.data ?? null);
  return result.data as R;
}

/** Creates a client; nothing connects until the first request or subscription. */
export function createClient(options: ClientOptions): AlleycatClient {
  const { graphqlUrl, auth, realtime = {} } = options;
  const url = new URL(graphqlUrl);
  const fetchImpl: FetchLike | undefined =
    options.fetch ?? (globalThis.fetch ? (input, init) => globalThis.fetch(input, init) : undefined);
  const WebSocketImpl = options.WebSocket ?? (globalThis.WebSocket as WebSocketConstructorLike | undefined);
  const printed = new WeakMap<DocumentNode, string>();

  const connection = WebSocketImpl
    ? createRealtimeConnection({
        realtimeUrl: options.realtimeUrl ?? realtimeUrlFor(graphqlUrl),
        graphqlUrl: url,
        auth,
        WebSocket: WebSocketImpl,
        ...realtime,
      })
    : undefined;

  function text(document: DocumentNode): string {
    let query = printed.get(document);
    if (query === undefined) {
      query = print(document);
      printed.set(document, query);
    }
    return query;
  }

  function requestRaw(
    query: string,
    variables?: Record<string, unknown>,
    operationName?: string | null,
  ): Promise<RawResult> {
    if (!fetchImpl) return Promise.reject(new Error('No fetch available: pass options.fetch.'));
    return postGraphql(fetchImpl, url, auth, { query, variables, operationName });
  }

  function subscribeRaw(
    query: string,
    variables: Record<string, unknown> | undefined,
    observer: SubscriptionObserver<RawResult>,
  ): () => void {
    if (!connection) {
      observer.error?.(new Error('No WebSocket available: pass options.WebSocket (the ws class on Node 20).'));
      return () => undefined;
    }
    const sink: RawSink = {
      next: (result) => observer.next(result),
      error: (error) => observer.error?.(error),
      complete: () => observer.complete?.(),
    };
    return connection.subscribe(JSON.stringify({ query, variables: variables ?? {} }), sink);
  }

  function subscribeTyped<R>(
    document: DocumentNode,
    variables: unknown,
    observer: SubscriptionObserver<R>,
  ): () => void {
    let stop: () => void = () => undefined;
    let ended = false;
    stop = subscribeRaw(text(document), (variables ?? {}) as Record<string, unknown>, {
      next(result) {
        if (ended) return;
        // An event with data is delivered; one with only errors ends the subscription with them.
        if (result.data !== undefined && result.data !== null) observer.next(result.data as R);
        else if (result.errors && result.errors.length > 0) {
          ended = true;
          stop();
          observer.error?.(new GraphQLResponseError(result.errors as GraphQLErrorEntry[]));
        }
      },
      error(error) {
        if (ended) return;
        ended = true;
        observer.error?.(error);
      },
      complete() {
        if (ended) return;
        ended = true;
        observer.complete?.();
      },
    });
    return () => {
      ended = true;
      stop();
    };
  }

  function iterate<R>(document: DocumentNode, variables: unknown): SubscriptionIterator<R> {
    const queue: R[] = [];
    const waiters: Array<{ resolve: (r: IteratorResult<R>) => void; reject: (e: Error) => void }> = [];
    let failure: Error | undefined;
    let done = false;
    const settle = (): void => {
      while (waiters.length > 0 && (queue.length > 0 || done || failure)) {
        const waiter = waiters.shift();
        if (!waiter) break;
        if (queue.length > 0) waiter.resolve({ value: queue.shift() as R, done: false });
        else if (failure) waiter.reject(failure);
        else waiter.resolve({ value: undefined, done: true });
      }
    };
    const unsubscribe = subscribeTyped<R>(document, variables, {
      next(value) {
        queue.push(value);
        settle();
      },
      error(error) {
        failure = error;
        settle();
      },
      complete() {
        done = true;
        settle();
      },
    });
    const end = (): void => {
      done = true;
      unsubscribe();
      settle();
    };
    return {
      next() {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift() as R, done: false });
        if (failure) {
          const error = failure;
          failure = undefined;
          done = true;
          return Promise.reject(error);
        }
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
      },
      return() {
        end();
        return Promise.resolve({ value: undefined, done: true });
      },
      unsubscribe: end,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  function subscribe<R, V>(document: TypedDocumentNode<R, V>, variables: V): SubscriptionIterator<R>;
  function subscribe<R, V>(
    document: TypedDocumentNode<R, V>,
    variables: V,
    observer: SubscriptionObserver<R>,
  ): () => void;
  function subscribe<R, V>(
    document: TypedDocumentNode<R, V>,
    variables: V,
    observer?: SubscriptionObserver<R>,
  ): SubscriptionIterator<R> | (() => void) {
    return observer ? subscribeTyped<R>(document, variables, observer) : iterate<R>(document, variables);
  }

  return {
    async query<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
      return dataOrThrow<R>(
        await requestRaw(text(document), (variables ?? {}) as Record<string, unknown>, operationNameOf(document)),
      );
    },
    async mutate<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
      return dataOrThrow<R>(
        await requestRaw(text(document), (variables ?? {}) as Record<string, unknown>, operationNameOf(document)),
      );
    },
    subscribe,
    requestRaw,
    subscribeRaw,
    onConnectionState: (listener) => connection?.onState(listener) ?? (() => undefined),
    connectionState: () => connection?.state() ?? 'idle',
    close: () => connection?.close(),
  };
}
