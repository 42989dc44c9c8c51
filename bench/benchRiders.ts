/**
 * The ingest benchmark's riders and when they send: shared by the load
 * generator (bench/ingestProducer.ts) and the benchmark that dates each
 * record by the put that carried it (bench/ingest.ts).
 */
import { MAX_BATCH } from '../local/simulator/sink.js';

export interface Rider {
  racerId: string;
  classId: number;
  watts: number;
  output: number;
}

/**
 * When in each second the bikes send: `spread`, in groups spread over the
 * second (independent devices); `burst`, all at the same instant.
 */
export type Arrivals = 'spread' | 'burst';

/** The benchmark's riders: `c<class>-rider-<i>`, steady power between 150 and 399 W. */
export function benchRiders(classes: readonly number[], ridersPerClass: number): Rider[] {
  return classes.flatMap((classId) =>
    Array.from({ length: ridersPerClass }, (_, i) => ({
      racerId: `c${classId}-rider-${i}`,
      classId,
      watts: 150 + ((i * 37) % 250),
      output: 0,
    })),
  );
}

/** How many sending groups `riders` riders form: one per PutRecords batch of a second (burst: one). */
export function groupCount(riders: number, arrivals: Arrivals): number {
  return arrivals === 'burst' ? 1 : Math.max(1, Math.ceil(riders / MAX_BATCH));
}

/** The group of the `index`-th rider of benchRiders (groups mix the classes). */
export function groupOf(index: number, groups: number): number {
  return index % groups;
}
