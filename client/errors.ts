/** Typed errors of the Alleycat client SDK. */

/** One error of a GraphQL response as AppSync sends it (errorType included). */
export interface GraphQLErrorEntry {
  message: string;
  errorType?: string | null;
  errorInfo?: unknown;
  path?: ReadonlyArray<string | number> | null;
  locations?: ReadonlyArray<{ line: number; column: number }> | null;
  data?: unknown;
  /** Real-time `connection_error` entries carry an HTTP-like code (401, 403…). */
  errorCode?: number;
}

function firstMessage(errors: readonly GraphQLErrorEntry[], fallback: string): string {
  const first = errors[0];
  if (!first) return fallback;
  return first.errorType ? `${first.errorType}: ${first.message}` : first.message;
}

/** A GraphQL response (or subscription event) that carried errors; keeps them and any partial data. */
export class GraphQLResponseError extends Error {
  override readonly name = 'GraphQLResponseError';
  constructor(
    readonly errors: readonly GraphQLErrorEntry[],
    readonly data: unknown = null,
    options?: { cause?: unknown },
  ) {
    super(firstMessage(errors, 'GraphQL error'), options);
  }
}

/** The endpoint could not be reached or answered with something that is not a GraphQL response. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The real-time endpoint refused the connection (`connection_error`) in a way retrying cannot fix. */
export class ConnectionRefusedError extends Error {
  override readonly name = 'ConnectionRefusedError';
  constructor(readonly errors: readonly GraphQLErrorEntry[], options?: { cause?: unknown }) {
    super(firstMessage(errors, 'Connection refused'), options);
  }
}

/** The server refused or ended one subscription (`error` message with its id). */
export class SubscriptionError extends Error {
  override readonly name = 'SubscriptionError';
  constructor(readonly errors: readonly GraphQLErrorEntry[], options?: { cause?: unknown }) {
    super(firstMessage(errors, 'Subscription failed'), options);
  }
}

/** Reads an `errors` array of unknown JSON into entries. */
export function toErrorEntries(value: unknown): GraphQLErrorEntry[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) => {
    if (typeof item === 'object' && item !== null) {
      const record = item as Record<string, unknown>;
      return {
        ...record,
        message: typeof record.message === 'string' ? record.message : JSON.stringify(item),
      } as GraphQLErrorEntry;
    }
    return { message: String(item) };
  });
}
