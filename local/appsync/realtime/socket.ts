/**
 * The tiny socket port the real-time core is written against (one adapter per
 * WebSocket library: see `attachRealtime.ts` for `ws`). Tests and benchmarks
 * run the core through the real adapter on a real port.
 */
export interface RealtimeSocket {
  /** Bytes queued but not yet handed to the network (ws' / the browser's `bufferedAmount`). */
  readonly bufferedAmount: number;
  /** Sends one text message. */
  send(text: string): void;
  /**
   * Sends one text message made of UTF-8 parts, without joining them: the
   * shared payload of a fan-out is encoded once and sent to every subscriber.
   */
  sendParts(parts: readonly Uint8Array[]): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Drops the connection at once (slow consumers whose buffers cannot drain). */
  terminate(): void;
}
