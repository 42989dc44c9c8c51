/**
 * Which AWS errors are worth retrying: throttling, 5xx and network failures.
 * Validation errors, missing resources and failed conditions are not.
 */
import { PublishError } from './errors.js';

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'TransactionConflictException',
  'LimitExceededException',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

/** True for errors that a later attempt may not hit. */
export function isTransient(error: unknown): boolean {
  if (error instanceof PublishError) return error.transient;
  const name = field(error, 'name');
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
  const code = field(error, 'code') ?? field(field(error, 'cause'), 'code');
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const status = field(field(error, '$metadata'), 'httpStatusCode');
  if (typeof status === 'number' && status >= 500) return true;
  // fetch() reports network failures as TypeError('fetch failed') with a cause.
  if (error instanceof TypeError && field(error, 'cause') !== undefined) return true;
  // The SDK marks errors it considers retryable.
  return field(error, '$retryable') !== undefined;
}
