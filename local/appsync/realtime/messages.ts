/**
 * The messages of AppSync's real-time WebSocket protocol (subprotocol
 * `graphql-ws`, AppSync's own dialect of the Apollo protocol), and the one
 * function that turns an inbound text frame into a typed client message.
 * Message shapes follow "Building a real-time WebSocket client in AWS AppSync".
 */
import { isRecord } from '../../../lib/isRecord.js';
import { errorMessage } from '../../../lib/toError.js';

/** Every message type of the protocol, as it travels on the wire. */
export enum MessageType {
  ConnectionInit = 'connection_init',
  ConnectionAck = 'connection_ack',
  ConnectionError = 'connection_error',
  KeepAlive = 'ka',
  Start = 'start',
  StartAck = 'start_ack',
  Data = 'data',
  Stop = 'stop',
  Complete = 'complete',
  Error = 'error',
}

/** One entry of the `errors` array of `error` and `connection_error` messages. */
export interface AppSyncErrorEntry {
  errorType: string;
  message: string;
  /** Present on `connection_error` (clients treat 400/401/403 as final). */
  errorCode?: number;
}

/** Header object of an auth mode (`host` + `x-api-key`, or the SigV4 headers). */
export type AuthHeaders = Record<string, string>;

/** `{"type":"connection_init"}`. */
export interface ConnectionInitMessage {
  type: MessageType.ConnectionInit;
}

/** `start`: `payload.data` is the stringified `{query, variables, operationName?}`. */
export interface StartMessage {
  type: MessageType.Start;
  id: string;
  /** The `data` string exactly as sent: IAM signatures cover these bytes. */
  data: string;
  authorization: AuthHeaders | undefined;
}

/** `{"type":"stop","id":…}`. */
export interface StopMessage {
  type: MessageType.Stop;
  id: string;
}

/** A client message the server understands. */
export type ClientMessage = ConnectionInitMessage | StartMessage | StopMessage;

/** Why a frame is not a client message; `id` when the frame carried one. */
export interface MessageFault {
  fault: 'unsupported' | 'malformedStart';
  id: string | undefined;
  detail: string;
}

/** String values of a header object; anything else means "no usable auth". */
export function toAuthHeaders(value: unknown): AuthHeaders | undefined {
  if (!isRecord(value)) return undefined;
  const headers: AuthHeaders = {};
  for (const [name, headerValue] of Object.entries(value)) {
    if (typeof headerValue === 'string') headers[name] = headerValue;
  }
  return headers;
}

/** Parses one inbound text frame; never throws. */
export function parseClientMessage(text: string): ClientMessage | MessageFault {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { fault: 'unsupported', id: undefined, detail: `not JSON: ${errorMessage(error)}` };
  }
  if (!isRecord(parsed)) return { fault: 'unsupported', id: undefined, detail: 'not a JSON object' };
  const id = typeof parsed.id === 'string' ? parsed.id : undefined;
  switch (parsed.type) {
    case MessageType.ConnectionInit:
      return { type: MessageType.ConnectionInit };
    case MessageType.Stop:
      if (id === undefined) return { fault: 'malformedStart', id, detail: 'stop without a string id' };
      return { type: MessageType.Stop, id };
    case MessageType.Start: {
      if (id === undefined || id.length === 0)
        return { fault: 'malformedStart', id, detail: 'start without a string id' };
      const payload = parsed.payload;
      if (!isRecord(payload) || typeof payload.data !== 'string') {
        return { fault: 'malformedStart', id, detail: 'start payload.data must be a JSON string' };
      }
      const extensions = payload.extensions;
      const authorization = isRecord(extensions) ? toAuthHeaders(extensions.authorization) : undefined;
      return { type: MessageType.Start, id, data: payload.data, authorization };
    }
    default:
      return { fault: 'unsupported', id, detail: `unknown message type ${JSON.stringify(parsed.type)}` };
  }
}

/** Type guard separating faults from messages. */
export function isFault(value: ClientMessage | MessageFault): value is MessageFault {
  return 'fault' in value;
}
