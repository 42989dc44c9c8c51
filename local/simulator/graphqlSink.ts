/**
 * Telemetry through the API: the `recordTelemetry` mutation, each rider's
 * records with that rider's own user-pool token (the API takes only a
 * rider's own records). One call per rider per send, many in flight: when a
 * tick falls behind, the next one carries several seconds per rider, so
 * calls grow instead of multiplying. The receipt says per record whether
 * Kinesis took it; only the refused ones are sent again.
 */
import type { TelemetryRecord } from '../../core/telemetry.js';
import type { SendOutcome, TelemetrySink } from './sink.js';
import { MAX_BATCH } from './sink.js';

export const RECORD_TELEMETRY = `mutation RecordTelemetry($records: [TelemetryInput!]!) {
  recordTelemetry(records: $records) { accepted failed records { index errorCode errorMessage } }
}`;

/** Riders' calls in flight at once. */
const DEFAULT_PARALLEL = 32;

export interface GraphqlSinkOptions {
  graphqlUrl: string;
  /** The rider's user-pool token (the rider is signed up and in on first use). */
  tokenFor: (racerId: string, name: string) => Promise<string>;
  attempts?: number;
  parallel?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Called when the sink is closed (signs the riders' session store out). */
  onClose?: () => void;
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

/** Records by rider, in order, cut at the per-call limit. */
function riderBatches(records: readonly TelemetryRecord[]): TelemetryRecord[][] {
  const byRider = new Map<string, TelemetryRecord[]>();
  for (const r of records) {
    const list = byRider.get(r.racerId);
    if (list) list.push(r);
    else byRider.set(r.racerId, [r]);
  }
  const batches: TelemetryRecord[][] = [];
  for (const list of byRider.values())
    for (let i = 0; i < list.length; i += MAX_BATCH) batches.push(list.slice(i, i + MAX_BATCH));
  return batches;
}

export function graphqlSink(o: GraphqlSinkOptions): TelemetrySink {
  const doFetch = o.fetch ?? fetch;
  const attempts = o.attempts ?? 5;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function sendBatch(batch: readonly TelemetryRecord[], outcome: SendOutcome): Promise<void> {
    let pending = [...batch];
    const first = batch[0];
    for (let attempt = 0; first && attempt < attempts && pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        outcome.retried += pending.length;
        await sleep(Math.random() * Math.min(2000, 100 * 2 ** attempt));
      }
      try {
        const token = await o.tokenFor(first.racerId, first.name ?? first.racerId);
        const res = await doFetch(o.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: token },
          body: JSON.stringify({ query: RECORD_TELEMETRY, variables: { records: pending } }),
        });
        const { receipt, error } = receiptOf(await res.json());
        if (!receipt) {
          outcome.lastError = `HTTP ${res.status}: ${error ?? ''}`;
          // A refused or invalid call will not pass on retry: count the batch as failed.
          if (res.status < 500 && (error?.includes('ValidationError') || error?.includes('Unauthorized'))) break;
          continue;
        }
        const refused = new Set(receipt.records.filter((r) => r.errorCode !== null).map((r) => r.index));
        const firstRefused = receipt.records.find((r) => r.errorCode !== null);
        if (firstRefused) outcome.lastError = `${firstRefused.errorCode}: ${firstRefused.errorMessage ?? ''}`;
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
      const batches = riderBatches(records);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(o.parallel ?? DEFAULT_PARALLEL, batches.length) }, async () => {
          while (next < batches.length) {
            const b = batches[next];
            next += 1;
            if (b) await sendBatch(b, outcome);
          }
        }),
      );
      return outcome;
    },
    close: () => o.onClose?.(),
  };
}
