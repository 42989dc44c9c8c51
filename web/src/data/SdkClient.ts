/**
 * What the web app needs of a GraphQL client: typed documents in, typed data
 * out, subscriptions with callbacks, and the state of the real-time
 * connection. The SDK (client/) provides this; sdkApi.ts turns it into the Api.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { RawResult } from './Api.js';
import type { ConnectionState } from './types.js';

export interface SubscriptionObserver<T> {
  next(value: T): void;
  error(error: Error): void;
  complete?(): void;
}

export interface SdkClient {
  query<R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R>;
  mutate<R, V>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R>;
  subscribe<R, V>(doc: TypedDocumentNode<R, V>, variables: V, observer: SubscriptionObserver<R>): () => void;
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
  /** A query or mutation as text; GraphQL errors come back in the result, not thrown. */
  requestRaw(query: string, variables: Record<string, unknown> | undefined, operationName?: string | null): Promise<RawResult>;
  /** A subscription as text; each event (data or errors) as it arrives. */
  subscribeRaw(query: string, variables: Record<string, unknown> | undefined, observer: SubscriptionObserver<RawResult>): () => void;
}

/** A GraphQL response with errors, as an Error that keeps them (errorType included). */
export class GraphQLResponseError extends Error {
  override readonly name = 'GraphQLResponseError';
  readonly errors: unknown[];
  constructor(errors: unknown[], options?: { cause?: unknown }) {
    const first = errors[0] as { message?: unknown; errorType?: unknown } | undefined;
    const message = typeof first?.message === 'string' ? first.message : 'GraphQL error';
    const type = typeof first?.errorType === 'string' ? `${first.errorType}: ` : '';
    super(type + message, options);
    this.errors = errors;
  }
}
