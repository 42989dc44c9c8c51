/** Reading GraphQL errors thrown by the SDK, whatever their wrapping. */
import { isRecord } from '../../../lib/isRecord.js';

/**
 * The AppSync `errorType` of an error (e.g. "ValidationError"), looked up on
 * the error, its GraphQL errors and its cause chain.
 */
export function errorTypeOf(err: unknown, depth = 0): string | undefined {
  if (!isRecord(err) || depth > 4) return undefined;
  if (typeof err.errorType === 'string') return err.errorType;
  for (const key of ['errors', 'graphQLErrors']) {
    const list = err[key];
    if (Array.isArray(list)) {
      for (const e of list) {
        const t = errorTypeOf(e, depth + 1);
        if (t) return t;
      }
    }
  }
  return errorTypeOf(err.cause, depth + 1);
}

/** True if retrying the same request cannot succeed (the server refused its content). */
export function isPermanent(err: unknown): boolean {
  const t = errorTypeOf(err);
  return t === 'ValidationError' || t === 'Unauthorized' || t === 'UnauthorizedException';
}
