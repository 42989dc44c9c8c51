/** Where simulated telemetry goes: Kinesis directly, or GraphQL's recordTelemetry. */
import type { TelemetryRecord } from '../../core/telemetry.js';

export interface SendOutcome {
  /** Records accepted. */
  sent: number;
  /** Records that still failed after the per-record retries. */
  failed: number;
  /** Per-record retries made. */
  retried: number;
  /** First error seen, for the progress line. */
  lastError?: string;
}

export interface TelemetrySink {
  send(records: readonly TelemetryRecord[]): Promise<SendOutcome>;
  close(): void;
}

/** Most records in one PutRecords (and so one recordTelemetry) call. */
export const MAX_BATCH = 500;
