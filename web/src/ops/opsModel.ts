/**
 * The pure part of the /ops page: merging incremental polls of
 * `GET /ops/metrics` (contract/opsMetrics.ts holds its shape) and turning
 * series into chart panels grouped like `alleycat status` groups them.
 */
import type { OpsSeries, OpsSnapshot, SeriesGroup } from '../../../contract/opsMetrics.js';

export type { OpsAlert, OpsSeries, OpsSnapshot, SeriesGroup } from '../../../contract/opsMetrics.js';
export { formatFigure, isOpsSnapshot } from '../../../contract/opsMetrics.js';

/** The groups in the order the page shows them, with their headings. */
export const OPS_GROUPS: ReadonlyArray<{ group: SeriesGroup; title: string }> = [
  { group: 'functions', title: 'Functions (EMF metrics)' },
  { group: 'eventSource', title: 'Event sources' },
  { group: 'realtime', title: 'Real-time' },
];

/** One chart's worth of data: x = seconds relative to the snapshot (≤ 0), y = the series' values. */
export interface OpsChart {
  id: string;
  label: string;
  unit: string;
  latest: number | null;
  total: number | null;
  xs: number[];
  values: Array<number | null>;
}

export interface OpsPanel {
  group: SeriesGroup;
  title: string;
  /** Series that moved: one chart each. */
  charts: OpsChart[];
  /** Series that were zero (or empty) all along: listed with their value, not charted. */
  quiet: OpsChart[];
}

/** The newest point time held in a snapshot (the `since` of the next poll), or undefined when none. */
export function newestPointTime(snapshot: OpsSnapshot): number | undefined {
  let newest: number | undefined;
  for (const s of snapshot.series) {
    const last = s.points[s.points.length - 1];
    if (last && (newest === undefined || last[0] > newest)) newest = last[0];
  }
  return newest;
}

/**
 * Merges an incremental snapshot (fetched with `since`) into the one held:
 * new points are appended, points older than the retention are dropped, and
 * every other field (latest, total, alerts, new series) comes from `next`.
 * A series missing from `next` is dropped (the collector no longer has it).
 */
export function mergeSnapshot(held: OpsSnapshot | undefined, next: OpsSnapshot): OpsSnapshot {
  if (!held || next.startedAt !== held.startedAt) return next;
  const previous = new Map(held.series.map((s) => [s.id, s]));
  const oldest = next.now - next.retentionMs;
  const series = next.series.map((s): OpsSeries => {
    const before = previous.get(s.id)?.points ?? [];
    const lastHeld = before[before.length - 1]?.[0] ?? -Infinity;
    const points = [...before, ...s.points.filter(([t]) => t > lastHeld)].filter(([t]) => t >= oldest);
    return { ...s, points };
  });
  return { ...next, series };
}

/** Per-shard iterator ages: the page shows the per-mapping maximum instead (as `alleycat status` does). */
function isPerShard(s: OpsSeries): boolean {
  return /^esm\.[^.]+\.iteratorAgeMs\./.test(s.id);
}

/** Whether any point of the chart is non-zero (an all-zero chart says nothing a number would not). */
function moved(chart: OpsChart): boolean {
  return chart.values.some((v) => v !== null && v !== 0) || (chart.latest !== null && chart.latest !== 0);
}

/**
 * The panels of a snapshot: one per group that has series, in id order; series
 * that moved are charted, the ones still at zero are only listed.
 */
export function opsPanels(snapshot: OpsSnapshot): OpsPanel[] {
  const panels: OpsPanel[] = [];
  for (const { group, title } of OPS_GROUPS) {
    const charts = snapshot.series
      .filter((s) => s.group === group && !isPerShard(s))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(
        (s): OpsChart => ({
          id: s.id,
          label: s.label,
          unit: s.unit,
          latest: s.latest,
          total: s.total,
          xs: s.points.map(([t]) => (t - snapshot.now) / 1000),
          values: s.points.map(([, v]) => v),
        }),
      );
    if (charts.length > 0)
      panels.push({ group, title, charts: charts.filter(moved), quiet: charts.filter((c) => !moved(c)) });
  }
  return panels;
}

/** A short unit for an axis label (`Count/Second` → `/s`, `Milliseconds` → `ms`). */
export function unitLabel(unit: string): string {
  switch (unit) {
    case 'Count/Second':
      return 'per second';
    case 'Milliseconds':
      return 'ms';
    case 'Count':
      return 'count';
    default:
      return unit;
  }
}
