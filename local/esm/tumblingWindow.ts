/**
 * Tumbling windows of a stream mapping (Lambda developer guide, "Tumbling
 * windows"): aligned to record arrival time, per shard, with the `state` the
 * function returns handed back to it on the next invocation of the window.
 */
import { returnedState } from './batchResponse.js';
import type { SourceRecord } from './types.js';

export interface OpenWindow {
  startMs: number;
  endMs: number;
  state: unknown;
  firstSequenceNumber?: string;
  lastSequenceNumber?: string;
  firstArrivalMs?: number;
  lastArrivalMs?: number;
}

/** Start of the tumbling window an arrival time falls in (windows are aligned to the epoch). */
export function windowStartOf(arrivalMs: number, windowMs: number): number {
  return Math.floor(arrivalMs / windowMs) * windowMs;
}

/** Records the state the function returned and the span of records the window has seen. */
export function noteWindowDelivery(window: OpenWindow, records: readonly SourceRecord[], response: unknown): void {
  const first = records[0];
  const last = records[records.length - 1];
  if (!first || !last) return;
  window.state = returnedState(response);
  window.firstSequenceNumber ??= first.sequenceNumber;
  window.firstArrivalMs ??= first.arrivalMs;
  window.lastSequenceNumber = last.sequenceNumber;
  window.lastArrivalMs = last.arrivalMs;
}

/** Lambda ends a window early once its state passes 1 MB (`maxStateBytes`). */
export function windowStateTooLarge(window: OpenWindow, maxStateBytes: number): boolean {
  return Buffer.byteLength(JSON.stringify(window.state) ?? '', 'utf8') > maxStateBytes;
}

/** The event Lambda sends: `{ Records }`, plus the window fields with tumbling windows. */
export function invocationEvent(
  records: object[],
  window: OpenWindow | undefined,
  source: { shardId: string; eventSourceArn: string },
  flags: { final: boolean; terminatedEarly: boolean } = { final: false, terminatedEarly: false },
): object {
  if (!window) return { Records: records };
  return {
    Records: records,
    window: { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() },
    state: window.state,
    shardId: source.shardId,
    eventSourceARN: source.eventSourceArn,
    isFinalInvokeForWindow: flags.final,
    isWindowTerminatedEarly: flags.terminatedEarly,
  };
}
