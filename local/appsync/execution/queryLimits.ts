/**
 * The API's query limits as AppSync applies them: `queryDepthLimit` (1..75),
 * `resolverCountLimit` (1..10000, default 10000) and `introspectionConfig`,
 * named as on AWS::AppSync::GraphQLApi, plus the size of a response.
 *
 * AWS documents that a query beyond a limit "produces a limit error" and that
 * an error on a non-nullable field propagates to the first nullable parent:
 * so each field deeper than the depth limit, and each resolver past the
 * count, resolves to null with its own error. AWS does not document the
 * errors' text; the messages and the errorType `LimitExceededError` are ours
 * (docs/local-appsync.md).
 */
import type { ResponsePath } from 'graphql';
import type { GraphqlApiDefinition } from '../apiDefinition.js';
import { RuntimeConfigError } from '../errors.js';
import type { AppSyncError } from '../types.js';
import { AppSyncFieldError } from './errorShape.js';

/** AppSync's own ceiling on resolvers per request, also the default. */
export const MAX_RESOLVER_COUNT = 10_000;
/** The highest depth limit AppSync accepts. */
export const MAX_QUERY_DEPTH = 75;

export const LIMIT_EXCEEDED = 'LimitExceededError';

export interface QueryLimits {
  /** Infinity when the API sets none. */
  readonly queryDepth: number;
  readonly resolverCount: number;
  readonly introspection: boolean;
}

function checkedLimit(value: number | undefined, name: string, max: number): number | undefined {
  if (value === undefined || value === 0) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new RuntimeConfigError(
      `${name} must be an integer 1..${max} (or 0 / unset for AppSync's default), not ${value}.`,
    );
  }
  return value;
}

/** The definition's limits, checked as AppSync checks them when the API is created. */
export function queryLimitsOf(api: GraphqlApiDefinition): QueryLimits {
  return {
    queryDepth: checkedLimit(api.queryDepthLimit, 'queryDepthLimit', MAX_QUERY_DEPTH) ?? Infinity,
    resolverCount: checkedLimit(api.resolverCountLimit, 'resolverCountLimit', MAX_RESOLVER_COUNT) ?? MAX_RESOLVER_COUNT,
    introspection: api.introspectionConfig !== 'DISABLED',
  };
}

/** Nesting level of a field from its response path: root fields are level 1; list indexes do not count. */
export function fieldDepth(path: ResponsePath): number {
  let depth = 0;
  for (let p: ResponsePath | undefined = path; p !== undefined; p = p.prev) if (typeof p.key === 'string') depth += 1;
  return depth;
}

export function queryDepthExceeded(limit: number): AppSyncFieldError {
  return new AppSyncFieldError(`Query depth limit of ${limit} exceeded.`, LIMIT_EXCEEDED);
}

export function resolverCountExceeded(limit: number): AppSyncFieldError {
  return new AppSyncFieldError(`Resolver count limit of ${limit} exceeded.`, LIMIT_EXCEEDED);
}

export function responseTooLarge(maxBytes: number): AppSyncError {
  return {
    path: null,
    errorType: LIMIT_EXCEEDED,
    locations: [],
    message: `Response size limit of ${maxBytes} bytes exceeded.`,
  };
}
