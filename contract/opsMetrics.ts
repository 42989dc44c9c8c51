/**
 * The document the local stack serves at `GET /ops/metrics`. The web app's
 * /ops page and `alleycat status` read it; it only grows (new fields, new
 * series), it never changes meaning.
 */
import type { OpsCost } from './opsCost.js';

/**
 * EMF metric names of the fair-play rules (core/fairPlay.ts), emitted by the
 * pipeline functions; the ops view shows them as `fn.<service>.<name>` and
 * warns when any counts (local/ops/alerts.ts FairPlay).
 */
export const FAIR_PLAY_METRICS = {
  /** aggregator: riders flagged in a window (per race and window; a rider flagged again counts again). */
  flaggedRiders: 'FairPlayFlags',
  /**
   * aggregator: riders whose first record arrived after the race's join cutoff, taken out of a
   * window's state (a container that did not know the shard's riders yet) or refused at its close
   * (per race and window: a late joiner who keeps sending counts again).
   */
  lateJoinersRefused: 'LateJoinersRefused',
  /**
   * aggregator: records of riders who joined after the race's join cutoff, dropped as they were
   * folded (never in the window state; LateJoinersRefused counts the riders a window held).
   */
  lateRecordsRefused: 'LateRecordsRefused',
  /** finalizer: finals ahead of the race clock or before the last second. */
  finalsRefused: 'FinalsRefused',
  /** finalizer: finals after the race's end plus grace, or reaching a race already closed. */
  lateFinalsRefused: 'LateFinalsRefused',
  /** finalizer: different finals after a rider's first valid one. */
  conflictingFinals: 'ConflictingFinals',
  /** finalizer: results written with flags at a race's close. */
  flaggedResults: 'FlaggedResults',
  /** allTime: flagged results kept out of all-time stats. */
  flaggedResultsSkipped: 'FlaggedResultsSkipped',
} as const;

/** Groups of series, one panel each in the views. */
export type SeriesGroup = 'functions' | 'eventSource' | 'realtime';

/**
 * How a series' points are made:
 * - `rate`: events per second over each interval (from counters and EMF `Count` metrics);
 * - `gauge`: the value sampled at the end of each interval (iterator age, connections);
 * - `max`: the largest value observed in each interval (EMF latencies), null when none.
 */
export type SeriesKind = 'rate' | 'gauge' | 'max';

/** One time series. */
export interface OpsSeries {
  /**
   * Stable id: `fn.<service>.<EmfMetricName>` (e.g. `fn.aggregator.RecordsReceived`),
   * `esm.<mapping>.<figure>` (e.g. `esm.aggregator.maxIteratorAgeMs`,
   * `esm.aggregator.iteratorAgeMs.shardId-000000000001`, `esm.finalizer.discardedBatches`),
   * `realtime.<figure>` (e.g. `realtime.connections`, `realtime.messagesOut`,
   * `realtime.subscriptions.class.3`).
   */
  id: string;
  group: SeriesGroup;
  /** Human label, e.g. "aggregator: records received". */
  label: string;
  /** Unit of the points: `Count/Second` for rates, else the metric's own (`Milliseconds`, `Count`, …). */
  unit: string;
  kind: SeriesKind;
  /** Newest non-null point value (null before the first). */
  latest: number | null;
  /** Rates: events since the collector started (or the source's own cumulative count). Null for gauges and maxima. */
  total: number | null;
  /** `[epochMs, value]` oldest first, one per interval (`value` null when nothing was observed). */
  points: [number, number | null][];
}

/** A condition the CloudWatch alarms would page on, as seen locally. */
export interface OpsAlert {
  /** Same names as the alarms in the CDK stack and docs/operations.md. */
  id: string;
  severity: 'page' | 'warn';
  message: string;
  /** The series that triggered it. */
  seriesId: string;
}

/** The whole document of `GET /ops/metrics`. */
export interface OpsSnapshot {
  version: 1;
  /** Epoch ms when the snapshot was taken. */
  now: number;
  startedAt: number;
  resolutionMs: number;
  retentionMs: number;
  series: OpsSeries[];
  alerts: OpsAlert[];
  /** What AppSync would bill for the traffic so far, at list prices (contract/opsCost.ts); absent when not metered. */
  cost?: OpsCost;
  /** Health of the collector's own inputs. */
  inputs: {
    emfLines: number;
    emfMetrics: number;
    /** Lines with `_aws` that break the EMF specification (CloudWatch would drop them too). */
    emfInvalid: number;
    lastEmfError: string | null;
    /** Sources whose last read threw, with the message. */
    sourceErrors: Record<string, string>;
  };
}

/** Guard for a document fetched from /ops/metrics. */
export function isOpsSnapshot(value: unknown): value is OpsSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.now === 'number' &&
    typeof v.startedAt === 'number' &&
    typeof v.resolutionMs === 'number' &&
    typeof v.retentionMs === 'number' &&
    Array.isArray(v.series) &&
    v.series.every(isSeries) &&
    Array.isArray(v.alerts) &&
    typeof v.inputs === 'object' &&
    v.inputs !== null
  );
}

function isSeries(value: unknown): value is OpsSeries {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.id === 'string' && typeof s.label === 'string' && typeof s.unit === 'string' && Array.isArray(s.points)
  );
}

/** A value in its unit, short. */
export function formatFigure(value: number | null, unit: string): string {
  if (value === null) return '-';
  if (unit === 'Milliseconds') return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
  if (unit === 'Count/Second')
    return `${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1)}/s`;
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toFixed(2);
}
