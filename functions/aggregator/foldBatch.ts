/**
 * The aggregator's pure core for one invocation: decode, validate and merge a
 * batch of Kinesis records into the window state.
 */
import type { KinesisEventRecord, Malformed } from '../shared/kinesisRecord.js';
import { decodeTelemetry } from '../shared/kinesisRecord.js';
import { mergeRecord } from './mergeRecord.js';
import type { WindowState } from './windowState.js';

export interface FoldResult {
  received: number;
  malformed: Malformed[];
}

/**
 * Merges every valid record of `records` into `state` (in place). Malformed
 * records are returned, never thrown: one bad record must not block the shard.
 */
export function foldBatch(state: WindowState, records: readonly KinesisEventRecord[], raceSeconds: number): FoldResult {
  const malformed: Malformed[] = [];
  for (const rec of records) {
    const d = decodeTelemetry(rec, raceSeconds);
    if (d.ok) mergeRecord(state, d.record);
    else malformed.push({ sequenceNumber: d.sequenceNumber, field: d.field, message: d.message });
  }
  return { received: records.length, malformed };
}
