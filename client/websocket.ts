/** The WebSocket surface the SDK needs: the browser's WebSocket and Node's `ws` both fit. */

/** A message event (text frames carry strings). */
export interface MessageEventLike {
  data: unknown;
}

/** A close event. */
export interface CloseEventLike {
  code: number;
  reason: string;
}

/** A WebSocket as the SDK uses it. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: MessageEventLike) => void) | null;
  onclose: ((event: CloseEventLike) => void) | null;
  onerror: ((event: never) => void) | null;
}

/**
 * `new WebSocket(url, protocols)`: `globalThis.WebSocket` in browsers, `ws` in
 * Node 20. Typed loosely (its event types differ between the two); the
 * instance is used only through `WebSocketLike`.
 */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => object;

/** Opens a socket with a constructor of either kind. */
export function openWebSocket(
  WebSocketImpl: WebSocketConstructorLike,
  url: string,
  protocols: string[],
): WebSocketLike {
  return new WebSocketImpl(url, protocols) as WebSocketLike;
}

/** `WebSocket.OPEN`. */
export const OPEN = 1;
