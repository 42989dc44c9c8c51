/**
 * Lambda's batching rules for one shard: a batch goes when it holds
 * BatchSize records, when the next record would pass the 6 MB payload limit,
 * when MaximumBatchingWindowInSeconds has passed since its first record was
 * read, at a tumbling-window boundary, or when the shard has ended.
 */
import type { ProcessorConfig } from './processorConfig.js';
import { windowStartOf } from './tumblingWindow.js';
import type { SourceRecord } from './types.js';

/** A record read from the shard and not yet handed to the function. */
export interface BufferedRecord {
  readonly record: SourceRecord;
  /** False when FilterCriteria drop it (it is consumed but never delivered). */
  readonly matched: boolean;
  readonly readAt: number;
}

export interface ReadyBatch {
  /** What the function receives. */
  readonly delivered: SourceRecord[];
  /** How many buffered records the batch uses up (filtered ones included). */
  readonly consumed: number;
  /** Start of the tumbling window the batch belongs to. */
  readonly windowStart: number | undefined;
}

export interface BatchingState {
  readonly buffer: readonly BufferedRecord[];
  /** Start of the window still open, if any. */
  readonly openWindowStart: number | undefined;
  /** The shard has ended (no more records will come). */
  readonly ended: boolean;
  readonly now: number;
}

/** The next batch if one is ready to go, else undefined. */
export function nextBatch(config: ProcessorConfig, state: BatchingState): ReadyBatch | undefined {
  const head = state.buffer[0];
  if (!head) return undefined;
  const windowMs = config.tumblingWindowMs;
  const windowStart =
    windowMs === undefined ? undefined : state.openWindowStart ?? windowStartOf(head.record.arrivalMs, windowMs);
  const delivered: SourceRecord[] = [];
  let bytes = 0;
  let consumed = 0;
  let cut = false;
  for (const entry of state.buffer) {
    if (
      windowMs !== undefined &&
      windowStart !== undefined &&
      windowStartOf(entry.record.arrivalMs, windowMs) > windowStart
    ) {
      cut = true;
      break;
    }
    if (entry.matched) {
      if (
        delivered.length >= config.batchSize ||
        (delivered.length > 0 && bytes + entry.record.sizeBytes > config.maxPayloadBytes)
      ) {
        cut = true;
        break;
      }
      delivered.push(entry.record);
      bytes += entry.record.sizeBytes;
    }
    consumed += 1;
  }
  const ready =
    cut ||
    delivered.length >= config.batchSize ||
    delivered.length === 0 ||
    state.ended ||
    config.maxBatchingWindowMs === 0 ||
    state.now - head.readAt >= config.maxBatchingWindowMs;
  return ready ? { delivered, consumed, windowStart } : undefined;
}
