import type { ShardMetrics } from './types.js';

/** A shard's figures before anything was read (also the base of test doubles). */
export function emptyMetrics(shardId: string): ShardMetrics {
  return {
    shardId,
    status: 'running',
    iteratorAgeMs: 0,
    millisBehindLatest: undefined,
    recordsRead: 0,
    recordsFiltered: 0,
    recordsDelivered: 0,
    invocations: 0,
    batches: 0,
    functionErrors: 0,
    retries: 0,
    bisections: 0,
    partialFailures: 0,
    discardedBatches: 0,
    discardedRecords: 0,
    windowsClosed: 0,
    windowsTerminatedEarly: 0,
    lastCheckpoint: undefined,
  };
}
