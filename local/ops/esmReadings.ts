/**
 * Adapts the event-source-mapping runtime's per-shard figures (local/esm,
 * `ShardMetrics`) to ops readings: iterator age per shard and its maximum
 * (gauges), and batches, retries, bisections, errors and dead-letter messages
 * summed over the shards (counters, shown as rates with totals).
 */
import type { ShardMetrics } from '../esm/types.js';
import type { Reading, ReadingSource } from './types.js';

/** Figures summed over a mapping's shards, with their labels. */
const COUNTERS = [
  ['recordsDelivered', 'records delivered'],
  ['recordsFiltered', 'records filtered out'],
  ['batches', 'batches'],
  ['invocations', 'invocations'],
  ['functionErrors', 'function errors'],
  ['retries', 'retries'],
  ['bisections', 'bisections'],
  ['partialFailures', 'partial batch failures'],
  ['discardedBatches', 'batches to dead-letter'],
  ['discardedRecords', 'records to dead-letter'],
  ['windowsClosed', 'windows closed'],
  ['windowsTerminatedEarly', 'windows ended early (state > 1 MB)'],
] as const satisfies readonly (readonly [keyof ShardMetrics, string])[];

/**
 * A reading source for one mapping. `metrics` returns the mapping's shards'
 * current figures (the runtime's `metrics()`).
 */
export function esmReadings(mapping: string, metrics: () => readonly ShardMetrics[]): ReadingSource {
  return () => {
    const shards = metrics();
    const readings: Reading[] = [];
    let maxAge = 0;
    for (const shard of shards) {
      maxAge = Math.max(maxAge, shard.iteratorAgeMs);
      readings.push({
        id: `esm.${mapping}.iteratorAgeMs.${shard.shardId}`,
        group: 'eventSource',
        label: `${mapping}: iterator age ${shard.shardId}`,
        unit: 'Milliseconds',
        kind: 'gauge',
        value: shard.iteratorAgeMs,
      });
    }
    readings.push({
      id: `esm.${mapping}.maxIteratorAgeMs`,
      group: 'eventSource',
      label: `${mapping}: iterator age (max of shards)`,
      unit: 'Milliseconds',
      kind: 'gauge',
      value: maxAge,
    });
    for (const [key, label] of COUNTERS) {
      let sum = 0;
      for (const shard of shards) sum += shard[key];
      readings.push({
        id: `esm.${mapping}.${key}`,
        group: 'eventSource',
        label: `${mapping}: ${label}`,
        unit: 'Count',
        kind: 'counter',
        value: sum,
      });
    }
    return readings;
  };
}
