/**
 * The errors the real-time endpoint sends, in AppSync's wire shapes, and the
 * close codes it uses. Strings observed from AWS are marked [AWS]; the others
 * are ours (AWS does not document them) and are listed in docs/local-appsync.md.
 */
import { MessageType, type AppSyncErrorEntry } from './messages.js';

/** Close codes (WebSocket close frames) used by the server. */
export enum CloseCode {
  /** Normal closure: invalidation, server shutdown. */
  Normal = 1000,
  /** The endpoint is going away (server closing). */
  GoingAway = 1001,
  /** Policy violation: connection lifetime over, unauthorized connection. */
  PolicyViolation = 1008,
  /** No `connection_init` within the init timeout (the code graphql-ws servers use for it). */
  InitTimeout = 4408,
  /** A slow consumer whose send buffer passed its bound. */
  SlowConsumer = 4429,
}

/** [AWS] `connection_error` for a handshake without valid credentials. */
export function unauthorizedConnection(): AppSyncErrorEntry {
  return { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 };
}

/** [AWS] A frame whose type the service does not know (also sent for non-JSON frames). */
export function unsupportedOperation(): AppSyncErrorEntry {
  return { errorType: 'UnsupportedOperation', message: 'unknown not supported through the realtime channel' };
}

/** A start whose operation is a query or a mutation. */
export function operationNotSubscription(): AppSyncErrorEntry {
  return { errorType: 'UnsupportedOperation', message: 'Operation not supported through the realtime channel' };
}

/** [AWS errorType] Two active subscriptions with one id on one connection. */
export function duplicatedOperation(id: string): AppSyncErrorEntry {
  return { errorType: 'DuplicatedOperationError', message: `Duplicate subscription ID: ${id}` };
}

/** The per-connection subscription quota (100 by default on AWS). */
export function maxSubscriptionsReached(limit: number): AppSyncErrorEntry {
  return { errorType: 'MaxSubscriptionsReachedError', message: `Max number of ${limit} subscriptions reached` };
}

/** A start without authorization, or one the auth check refused. */
export function unauthorizedStart(): AppSyncErrorEntry {
  return { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' };
}

/** [AWS shape] An auth mode the subscription field does not allow. */
export function notAuthorizedForField(fieldName: string, typeName: string): AppSyncErrorEntry {
  return { errorType: 'Unauthorized', message: `Not Authorized to access ${fieldName} on type ${typeName}` };
}

/** A start message that is not well formed (no id, data not a JSON string…). */
export function badStart(detail: string): AppSyncErrorEntry {
  return { errorType: 'BadRequestException', message: detail };
}

/** A GraphQL document that does not parse or validate against the schema. */
export function invalidSubscription(message: string): AppSyncErrorEntry {
  return { errorType: 'ValidationError', message };
}

/** An inbound frame above the size limit. */
export function messageTooLarge(limitBytes: number): AppSyncErrorEntry {
  return { errorType: 'LimitExceededError', message: `Message size exceeds the limit of ${limitBytes} bytes` };
}

/** `{"type":"error","id"?,"payload":{"errors":[…]}}`. */
export function errorMessage(id: string | undefined, errors: AppSyncErrorEntry[]): string {
  return JSON.stringify(
    id === undefined
      ? { type: MessageType.Error, payload: { errors } }
      : { type: MessageType.Error, id, payload: { errors } },
  );
}

/** `{"type":"connection_error","payload":{"errors":[…]}}`. */
export function connectionErrorMessage(errors: AppSyncErrorEntry[]): string {
  return JSON.stringify({ type: MessageType.ConnectionError, payload: { errors } });
}
