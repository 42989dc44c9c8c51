/**
 * The local stack's metrics collector: the functions' EMF lines,
 * the event-source runtime's figures and the real-time server's figures, kept
 * as time series in ring buffers (default 10 minutes at 2 s resolution).
 *
 * Inputs: `ingestLine(line)` for output lines (non-EMF lines are ignored), and
 * `addSource(name, read)` for pull sources read once per interval (see
 * esmReadings.ts and realtimeReadings.ts). `sample()` closes an interval; the
 * timer of `start()` calls it, tests call it with a fake clock.
 */
import { parseEmfLine, type EmfMetric } from './emf.js';
import { toError } from '../../lib/toError.js';
import { createRingBuffer, type RingBuffer } from './ringBuffer.js';
import { evaluateAlerts, type AlertRule } from './alerts.js';
import type { OpsSeries, OpsSnapshot, SeriesGroup, SeriesKind } from '../../contract/opsMetrics.js';
import type { OpsCost } from '../../contract/opsCost.js';
import type { Reading, ReadingSource } from './types.js';

export interface OpsCollectorOptions {
  /** Interval between points (default 2,000 ms). */
  resolutionMs?: number;
  /** How far back the series reach (default 10 minutes). */
  retentionMs?: number;
  clock?: { now(): number };
  /** Alert rules evaluated on every snapshot (default: none; see `localAlertRules`). */
  alertRules?: readonly AlertRule[];
  /** The snapshot's `cost` section (costTracker.ts): told of every interval, read for every snapshot. */
  cost?: { sample(): void; read(): OpsCost };
}

/** What a snapshot may be narrowed to (query parameters of GET /ops/metrics). */
export interface SnapshotQuery {
  /** Only points newer than this epoch ms (incremental polling). */
  since?: number | undefined;
  /** Only series whose id starts with this. */
  prefix?: string | undefined;
}

export interface OpsCollector {
  /** Feeds one output line; EMF objects are counted, anything else is ignored. */
  ingestLine(line: string): void;
  /** Registers a source read at every interval; returns a function that removes it. */
  addSource(name: string, read: ReadingSource): () => void;
  /** Closes the current interval: one new point per series. */
  sample(): void;
  /** Samples every `resolutionMs` on an unref'd timer. */
  start(): void;
  stop(): void;
  snapshot(query?: SnapshotQuery): OpsSnapshot;
}

/** EMF units that count events (shown as rates); anything else is shown as the interval's maximum. */
const COUNT_UNITS = new Set(['Count', 'None']);

interface SeriesState {
  id: string;
  group: SeriesGroup;
  label: string;
  unit: string;
  kind: SeriesKind;
  points: RingBuffer<[number, number | null]>;
  total: number | null;
  /** EMF: what the open interval has seen. */
  pending: { sum: number; max: number; count: number };
  /** Counter sources: the cumulative value at the previous sample. */
  previous: number | undefined;
}

export function createOpsCollector(options: OpsCollectorOptions = {}): OpsCollector {
  const resolutionMs = options.resolutionMs ?? 2_000;
  const retentionMs = options.retentionMs ?? 10 * 60_000;
  if (resolutionMs <= 0 || retentionMs < resolutionMs)
    throw new RangeError('ops collector: need 0 < resolutionMs <= retentionMs');
  const clock = options.clock ?? { now: () => Date.now() };
  const capacity = Math.ceil(retentionMs / resolutionMs);
  const startedAt = clock.now();
  const series = new Map<string, SeriesState>();
  const sources = new Map<string, ReadingSource>();
  const sourceErrors: Record<string, string> = {};
  const inputs = { emfLines: 0, emfMetrics: 0, emfInvalid: 0, lastEmfError: null as string | null };
  let lastSampleAt = startedAt;
  let timer: NodeJS.Timeout | undefined;

  function seriesFor(id: string, init: Omit<SeriesState, 'points' | 'pending' | 'previous' | 'total'>): SeriesState {
    let s = series.get(id);
    if (!s) {
      s = {
        ...init,
        points: createRingBuffer(capacity),
        total: init.kind === 'rate' ? 0 : null,
        pending: { sum: 0, max: -Infinity, count: 0 },
        previous: undefined,
      };
      series.set(id, s);
    }
    return s;
  }

  function addEmfMetric(metric: EmfMetric): void {
    // Powertools adds the function's service name as the `service` dimension.
    const service = metric.dimensions.service ?? metric.namespace;
    const counts = COUNT_UNITS.has(metric.unit);
    const s = seriesFor(`fn.${service}.${metric.name}`, {
      id: `fn.${service}.${metric.name}`,
      group: 'functions',
      label: `${service}: ${metric.name}`,
      unit: counts ? 'Count/Second' : metric.unit,
      kind: counts ? 'rate' : 'max',
    });
    for (const v of metric.values) {
      s.pending.sum += v;
      s.pending.max = Math.max(s.pending.max, v);
      s.pending.count += 1;
      if (s.total !== null) s.total += v;
    }
    inputs.emfMetrics += 1;
  }

  /** Runs `read`; a failure is shown in the snapshot under `name` instead of stopping the collector. */
  function guarded<T>(name: string, read: () => T): T | undefined {
    try {
      const value = read();
      delete sourceErrors[name];
      return value;
    } catch (err) {
      sourceErrors[name] = toError(err).message;
      return undefined;
    }
  }

  function readSources(): Map<string, Reading> {
    const readings = new Map<string, Reading>();
    for (const [name, read] of sources) {
      try {
        for (const r of read()) readings.set(r.id, r);
        delete sourceErrors[name];
      } catch (err) {
        // A failing source must not stop the others (nor the stack): shown in the snapshot.
        sourceErrors[name] = toError(err).message;
      }
    }
    return readings;
  }

  function sample(): void {
    const now = clock.now();
    const seconds = Math.max(now - lastSampleAt, 1) / 1000;
    lastSampleAt = now;
    guarded('cost', () => options.cost?.sample());
    const readings = readSources();
    for (const r of readings.values()) {
      seriesFor(r.id, {
        id: r.id,
        group: r.group,
        label: r.label,
        unit: r.kind === 'counter' ? 'Count/Second' : r.unit,
        kind: r.kind === 'counter' ? 'rate' : 'gauge',
      });
    }
    for (const s of series.values()) {
      const reading = readings.get(s.id);
      if (s.id.startsWith('fn.')) {
        const { sum, max, count } = s.pending;
        s.points.push([now, s.kind === 'rate' ? sum / seconds : count > 0 ? max : null]);
        s.pending = { sum: 0, max: -Infinity, count: 0 };
      } else if (!reading) {
        // The source no longer reports this figure (an ended shard): a gap.
        s.points.push([now, null]);
      } else if (s.kind === 'rate') {
        // A counter that went down was restarted: everything since counts.
        const delta =
          s.previous === undefined ? 0 : reading.value >= s.previous ? reading.value - s.previous : reading.value;
        s.previous = reading.value;
        s.total = reading.value;
        s.points.push([now, delta / seconds]);
      } else {
        s.points.push([now, reading.value]);
      }
    }
  }

  function snapshot(query: SnapshotQuery = {}): OpsSnapshot {
    const out: OpsSeries[] = [];
    for (const s of series.values()) {
      if (query.prefix && !s.id.startsWith(query.prefix)) continue;
      const all = s.points.toArray();
      let latest: number | null = null;
      for (let i = all.length - 1; i >= 0 && latest === null; i -= 1) latest = all[i]?.[1] ?? null;
      const since = query.since;
      out.push({
        id: s.id,
        group: s.group,
        label: s.label,
        unit: s.unit,
        kind: s.kind,
        latest,
        total: s.total,
        points: since === undefined ? all : all.filter(([t]) => t > since),
      });
    }
    out.sort((a, b) => a.id.localeCompare(b.id));
    const cost = options.cost ? guarded('cost', () => options.cost?.read()) : undefined;
    return {
      version: 1,
      now: clock.now(),
      startedAt,
      resolutionMs,
      retentionMs,
      series: out,
      alerts: evaluateAlerts(out, options.alertRules ?? [], resolutionMs),
      ...(cost ? { cost } : {}),
      inputs: { ...inputs, sourceErrors: { ...sourceErrors } },
    };
  }

  return {
    ingestLine(line) {
      const parsed = parseEmfLine(line);
      if (parsed.kind === 'not-emf') return;
      inputs.emfLines += 1;
      if (parsed.kind === 'invalid') {
        inputs.emfInvalid += 1;
        inputs.lastEmfError = parsed.error.message;
        return;
      }
      for (const metric of parsed.metrics) addEmfMetric(metric);
    },
    addSource(name, read) {
      sources.set(name, read);
      return () => {
        if (sources.get(name) === read) sources.delete(name);
      };
    },
    sample,
    start() {
      if (timer) return;
      timer = setInterval(sample, resolutionMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
    snapshot,
  };
}
