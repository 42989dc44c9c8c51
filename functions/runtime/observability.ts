/**
 * The logger and metrics ports the functions are written against. Powertools'
 * Logger and Metrics satisfy them; the handlers create those, tests may pass
 * any object of the same shape.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Env } from './config.js';
import { FUNCTION_ENV, optionalEnv } from './config.js';

export type LogAttributes = Record<string, unknown>;

export interface LogPort {
  debug(message: string, ...extra: LogAttributes[]): void;
  info(message: string, ...extra: LogAttributes[]): void;
  warn(message: string, ...extra: LogAttributes[]): void;
  error(message: string, ...extra: LogAttributes[]): void;
}

export type MetricUnitName = 'Count' | 'Milliseconds';

export interface MetricsPort {
  addMetric(name: string, unit: MetricUnitName, value: number): void;
  publishStoredMetrics(): void;
}

/** Powertools Logger for one function (service name = the function). */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** Powertools Metrics (EMF) in the namespace of POWERTOOLS_METRICS_NAMESPACE. */
export function createMetrics(serviceName: string, env: Env): MetricsPort {
  const metrics = new Metrics({
    serviceName,
    namespace: optionalEnv(env, FUNCTION_ENV.metricsNamespace) ?? 'Alleycat',
  });
  // Lambda runs one invocation per container at a time; the local stack runs
  // several shards' invocations concurrently in one process, and one of them
  // may already have flushed the shared store. Skip an empty flush instead of
  // letting Powertools warn about it.
  let pending = 0;
  return {
    addMetric: (name, unit, value) => {
      pending += 1;
      metrics.addMetric(name, unit === 'Count' ? MetricUnit.Count : MetricUnit.Milliseconds, value);
    },
    publishStoredMetrics: () => {
      if (pending === 0) return;
      pending = 0;
      metrics.publishStoredMetrics();
    },
  };
}
