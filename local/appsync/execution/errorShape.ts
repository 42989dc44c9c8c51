/**
 * GraphQL errors in AppSync's response shape [DOC tutorial "simple post application"]:
 * `{path, data, errorType, errorInfo, locations:[{line, column, sourceName:null}], message}`.
 */
import type { GraphQLError, SourceLocation } from 'graphql';
import type { AppSyncError } from '../types.js';

/** An error a resolver raised for its field (util.error, data-source failure, auth, code error). */
export class AppSyncFieldError extends Error {
  override readonly name = 'AppSyncFieldError';
  constructor(
    message: string,
    readonly errorType: string | null,
    readonly data: unknown = null,
    readonly errorInfo: unknown = null,
  ) {
    super(message);
  }
}

export function locationsOf(locations: readonly SourceLocation[] | undefined): AppSyncError['locations'] {
  return (locations ?? []).map((l) => ({ line: l.line, column: l.column, sourceName: null }));
}

/** An execution error (located by graphql-js) in AppSync's shape. */
export function formatExecutionError(e: GraphQLError): AppSyncError {
  const orig = e.originalError;
  const fieldError = orig instanceof AppSyncFieldError ? orig : null;
  return {
    path: e.path ?? null,
    data: fieldError ? fieldError.data : null,
    errorType: fieldError ? fieldError.errorType : null,
    errorInfo: fieldError ? fieldError.errorInfo : null,
    locations: locationsOf(e.locations),
    message: e.message,
  };
}

/** A request-level error (syntax, validation, variables): no path. */
export function formatRequestError(e: GraphQLError, errorType: string | null): AppSyncError {
  return { path: null, errorType, locations: locationsOf(e.locations), message: e.message };
}
