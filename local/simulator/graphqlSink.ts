/**
 * Telemetry through the API: the `recordTelemetry` mutation with the API key
 * (each record validated as the resolver does). The receipt says per record whether Kinesis took it; only the
 * refused ones are sent again.
 */
import type { TelemetryRecord } from '../../core/telemetry.js';
import type { SendOutcome, TelemetrySink } from './sink.js';
import { MAX_BATCH } from './sink.js';

export const RECORD_TELEMETRY = `mutation RecordTelemetry($records: [TelemetryInput!]!) {
  recordTelemetry(records: $records) { accepted failed records { index errorCode errorMessage } }
}`;

export interface GraphqlSinkOptions {
  graphqlUrl: string;
  apiKey: string;
  attempts?: number;
  parallel?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

interface Receipt {
  accepted: number;
  failed: number;
  records: Array<{ index: number; errorCode: string | null; errorMessage: string | null }>;
}

function receiptOf(json: unknown): { receipt?: Receipt; error?: string } {
  const o = (json ?? {}) as {
    data?: { recordTelemetry?: Receipt | null } | null;
    errors?: Array<{ message?: string; errorType?: string }>;
  };
  if (Array.isArray(o.errors) && o.errors.length > 0) {
    return { error: o.errors.map((e) => `${e.errorType ?? 'Error'}: ${e.message ?? ''}`).join('; ') };
  }
  const receipt = o.data?.recordTelemetry ?? undefined;
  return receipt ? { receipt } : { error: 'response has no recordTelemetry receipt' };
}

export function graphqlSink(o: GraphqlSinkOptions): TelemetrySink {
  const doFetch = o.fetch ?? fetch;
  const attempts = o.attempts ?? 5;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function sendBatch(batch: readonly TelemetryRecord[], outcome: SendOutcome): Promise<void> {
    let pending = [...batch];
    for (let attempt = 0; attempt < attempts && pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        outcome.retried += pending.length;
        await sleep(Math.random() * Math.min(2000, 100 * 2 ** attempt));
      }
      try {
        const res = await doFetch(o.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': o.apiKey },
          body: JSON.stringify({ query: RECORD_TELEMETRY, variables: { records: pending } }),
        });
        const { receipt, error } = receiptOf(await res.json());
        if (!receipt) {
          outcome.lastError = `HTTP ${res.status}: ${error ?? ''}`;
          // A validation error will not pass on retry: count the batch as failed.
          if (res.status < 500 && error?.includes('ValidationError')) break;
          continue;
        }
        const refused = new Set(receipt.records.filter((r) => r.errorCode !== null).map((r) => r.index));
        const first = receipt.records.find((r) => r.errorCode !== null);
        if (first) outcome.lastError = `${first.errorCode}: ${first.errorMessage ?? ''}`;
        outcome.sent += pending.length - refused.size;
        pending = pending.filter((_, i) => refused.has(i));
      } catch (error) {
        outcome.lastError = error instanceof Error ? error.message : String(error);
      }
    }
    outcome.failed += pending.length;
  }

  return {
    async send(records) {
      const outcome: SendOutcome = { sent: 0, failed: 0, retried: 0 };
      const batches: TelemetryRecord[][] = [];
      for (let i = 0; i < records.length; i += MAX_BATCH) batches.push(records.slice(i, i + MAX_BATCH));
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(o.parallel ?? 4, batches.length) }, async () => {
          while (next < batches.length) {
            const b = batches[next];
            next += 1;
            if (b) await sendBatch(b, outcome);
          }
        }),
      );
      return outcome;
    },
    close: () => undefined,
  };
}
