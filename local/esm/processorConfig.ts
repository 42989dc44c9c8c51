/**
 * The per-shard poller's settings, in milliseconds, and their translation
 * from an event-source mapping's settings.
 */
import { InvalidMappingSettingError } from './errors.js';
import type { RecordFilter } from './filterPattern.js';
import { compileFilterCriteria } from './filterPattern.js';
import type { EventSourceMappingSettings } from './mappingSettings.js';

export interface ProcessorConfig {
  /** BatchSize: 1..10,000. */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds × 1000. */
  readonly maxBatchingWindowMs: number;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1 = retry until the record expires. */
  readonly maxRetryAttempts: number;
  /** -1 = never expire. */
  readonly maxRecordAgeMs: number;
  readonly reportBatchItemFailures: boolean;
  /** TumblingWindowInSeconds × 1000; undefined = no windows. */
  readonly tumblingWindowMs: number | undefined;
  readonly filter: RecordFilter | undefined;
  /** Poll interval of an idle shard (Lambda: about once per second). */
  readonly idlePollMs: number;
  /** Minimum spacing of GetRecords calls on one shard (Kinesis: at most 5 per second). */
  readonly minPollSpacingMs: number;
  /** Records per GetRecords call (Kinesis maximum 10,000; DynamoDB Streams 1,000). */
  readonly readLimit: number;
  /** Pause before retrying a failed batch. */
  readonly retryDelayMs: number;
  /** Tumbling-window state limit (Lambda: 1 MB per shard). */
  readonly maxStateBytes: number;
  /** Invocation payload limit (Lambda: 6 MB synchronous). */
  readonly maxPayloadBytes: number;
  /** How long after a tumbling window's end a read must start before the window closes. */
  readonly windowCloseDelayMs: number;
  /** Function timeout; undefined = none. */
  readonly timeoutMs: number | undefined;
}

/** Lambda's fixed limits, overridable in tests. */
export const LAMBDA_LIMITS = {
  maxStateBytes: 1024 * 1024,
  maxPayloadBytes: 6 * 1024 * 1024,
  idlePollMs: 1000,
  minPollSpacingMs: 200,
  retryDelayMs: 500,
  windowCloseDelayMs: 250,
} as const;

function check(ok: boolean, message: string): void {
  if (!ok) throw new InvalidMappingSettingError(message);
}

/** Checks the ranges Lambda's CreateEventSourceMapping enforces. */
export function validateMappingSettings(m: EventSourceMappingSettings): void {
  check(
    Number.isInteger(m.batchSize) && m.batchSize >= 1 && m.batchSize <= 10_000,
    `BatchSize must be 1..10000, got ${m.batchSize}`,
  );
  check(
    m.maximumBatchingWindowInSeconds >= 0 && m.maximumBatchingWindowInSeconds <= 300,
    'MaximumBatchingWindowInSeconds must be 0..300',
  );
  check(m.maximumRetryAttempts >= -1 && m.maximumRetryAttempts <= 10_000, 'MaximumRetryAttempts must be -1..10000');
  check(
    m.maximumRecordAgeInSeconds === -1 || (m.maximumRecordAgeInSeconds >= 60 && m.maximumRecordAgeInSeconds <= 604_800),
    'MaximumRecordAgeInSeconds must be -1 or 60..604800',
  );
  const tw = m.tumblingWindowInSeconds;
  check(tw === undefined || (Number.isInteger(tw) && tw >= 0 && tw <= 900), 'TumblingWindowInSeconds must be 0..900');
  check(m.parallelizationFactor === 1, 'ParallelizationFactor > 1 is not reproduced locally (use 1)');
}

/** Poller settings from mapping settings (overrides for tests and the benchmark). */
export function processorConfigFrom(
  m: EventSourceMappingSettings,
  overrides: Partial<ProcessorConfig> & { readLimit?: number } = {},
): ProcessorConfig {
  validateMappingSettings(m);
  const tw = m.tumblingWindowInSeconds;
  return {
    batchSize: m.batchSize,
    maxBatchingWindowMs: m.maximumBatchingWindowInSeconds * 1000,
    bisectBatchOnFunctionError: m.bisectBatchOnFunctionError,
    maxRetryAttempts: m.maximumRetryAttempts,
    maxRecordAgeMs: m.maximumRecordAgeInSeconds === -1 ? -1 : m.maximumRecordAgeInSeconds * 1000,
    reportBatchItemFailures: m.functionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
    tumblingWindowMs: tw === undefined || tw === 0 ? undefined : tw * 1000,
    filter: compileFilterCriteria((m.filterCriteria?.filters ?? []).map((f) => f.pattern)),
    idlePollMs: LAMBDA_LIMITS.idlePollMs,
    minPollSpacingMs: LAMBDA_LIMITS.minPollSpacingMs,
    readLimit: 10_000,
    retryDelayMs: LAMBDA_LIMITS.retryDelayMs,
    maxStateBytes: LAMBDA_LIMITS.maxStateBytes,
    maxPayloadBytes: LAMBDA_LIMITS.maxPayloadBytes,
    windowCloseDelayMs: LAMBDA_LIMITS.windowCloseDelayMs,
    timeoutMs: undefined,
    ...overrides,
  };
}
