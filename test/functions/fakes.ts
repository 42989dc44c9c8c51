/** In-memory logger and metrics sinks for tests (they stand in for CloudWatch, i.e. AWS). */
import type { LogAttributes, LogPort, MetricsPort } from '../../functions/runtime/observability.js';

export interface RecordedLogs extends LogPort {
  lines: Array<{ level: string; message: string; extra: LogAttributes[] }>;
}

export function recordingLogger(): RecordedLogs {
  const lines: RecordedLogs['lines'] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: LogAttributes[]) =>
      lines.push({ level, message, extra });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface RecordedMetrics extends MetricsPort {
  /** Sum of every value added per metric name. */
  totals: Record<string, number>;
  values: Record<string, number[]>;
}

export function recordingMetrics(): RecordedMetrics {
  const totals: Record<string, number> = {};
  const values: Record<string, number[]> = {};
  return {
    totals,
    values,
    addMetric(name, _unit, value) {
      totals[name] = (totals[name] ?? 0) + value;
      (values[name] ??= []).push(value);
    },
    publishStoredMetrics() {},
  };
}
