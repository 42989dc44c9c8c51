/** The collector's inputs: figures read from the stack's parts once per interval. */
import type { SeriesGroup } from '../../contract/opsMetrics.js';

/** One figure read from a source at a sample time. */
export interface Reading {
  id: string;
  group: SeriesGroup;
  label: string;
  unit: string;
  /** `gauge`: current value; `counter`: cumulative count since the source started (shown as a rate). */
  kind: 'gauge' | 'counter';
  value: number;
}

/** Reads a source's current figures (called once per interval). */
export type ReadingSource = () => Reading[];
