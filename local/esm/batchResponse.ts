/**
 * Reading a function's response the way Lambda does for stream sources:
 * `{ batchItemFailures: [{ itemIdentifier }] }` (with ReportBatchItemFailures)
 * and `{ state }` (with tumbling windows).
 */
import { isRecord } from '../../lib/isRecord.js';

export type BatchVerdict =
  /** Every record succeeded. */
  | { kind: 'success' }
  /** Records before `index` succeeded; retry from `index` (the lowest failed record). */
  | { kind: 'partial'; index: number }
  /** Treat the whole batch as failed (Lambda does so for a malformed failure list). */
  | { kind: 'failed'; reason: string };

/**
 * Lambda's rules for partial batch responses: a null/empty list is success; an
 * entry whose itemIdentifier is missing, empty or not in the batch fails the
 * whole batch; otherwise it checkpoints before the lowest failed record.
 */
export function batchVerdict(response: unknown, sequenceNumbers: readonly string[], enabled: boolean): BatchVerdict {
  if (!enabled || !isRecord(response)) return { kind: 'success' };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return { kind: 'failed', reason: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  let lowest = Number.POSITIVE_INFINITY;
  for (const f of failures) {
    const id = isRecord(f) ? f.itemIdentifier : undefined;
    if (typeof id !== 'string' || id === '')
      return { kind: 'failed', reason: 'a batch item failure has no itemIdentifier' };
    const index = sequenceNumbers.indexOf(id);
    if (index < 0) return { kind: 'failed', reason: `itemIdentifier ${id} is not a record of the batch` };
    lowest = Math.min(lowest, index);
  }
  return { kind: 'partial', index: lowest };
}

/** The `state` a tumbling-window invocation returned (`{}` when it returned none). */
export function returnedState(response: unknown): unknown {
  if (isRecord(response) && response.state !== undefined && response.state !== null) return response.state;
  return {};
}
