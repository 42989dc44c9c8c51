/**
 * The all-time consumer's invocation logic (DynamoDB Streams, filtered to
 * Result INSERTs and MODIFYs by the event-source mapping), dependencies
 * passed in. Per-record failures go back to Lambda through Powertools'
 * BatchProcessor.
 *
 * Powertools runs the records of a batch in parallel (a few at a time: see
 * maxConcurrentRecords). Records of different
 * results commute, but the changes of one result must be applied in stream
 * order (DynamoDB Streams keeps each item's changes in order), so the records
 * of one item run one after the other, and a record whose predecessor of the
 * same item failed fails too: Lambda then redelivers from the first failure,
 * both in order.
 *
 * After the batch, the riders it updated are merged into their classes'
 * ranking heads (rankingHeadStore.ts); if that fails, their records are
 * reported failed too, and the replay (which changes no item) merges them.
 *
 * An invocation starts records only within its time budget: the burst of a
 * large race's results (thousands at once, as the close writes them) makes
 * every call slower, and an invocation that ran into the function's timeout
 * would have all of its batch delivered again. A record whose turn comes
 * after the budget is left to the next invocation (reported failed, counted
 * in AllTimeRecordsDeferred), which Lambda starts from it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../runtime/clock.js';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { concurrencyLimit } from '../../lib/concurrency.js';
import { PipelineError } from '../runtime/errors.js';
import type { LogPort, MetricsPort } from '../runtime/observability.js';
import { applyChange, applyResult } from './applyResult.js';
import { parseResultRecord } from './resultImage.js';
import { refreshAllTimeHeads } from './rankingHeadStore.js';

/** The DynamoDB Streams event Lambda sends (types of @types/aws-lambda). */
export type StreamEvent = DynamoDBStreamEvent;
type StreamRecord = DynamoDBRecord;

export interface AllTimeDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  logger: LogPort;
  metrics: MetricsPort;
  /**
   * Records applied at once (default 8; each is a chain of 2–4 DynamoDB calls).
   * Powertools would start all 100 records of a batch together, crowding the
   * finalizer's and the aggregator's writes out of the table at the end of a
   * race (docs/scaling.md); a handful at a time keeps the table busy without
   * crowding out the live path.
   */
  maxConcurrentRecords?: number;
  /**
   * How long after its start an invocation still starts records (default 15 s
   * of the function's 30-s timeout, leaving time for the records under way and
   * the heads' refresh).
   */
  budgetMs?: number;
  /** The clock the budget is measured by (default the system clock). */
  clock?: Clock;
}

export interface PartialResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** A record not applied because an earlier change of the same result in the batch failed. */
export class EarlierChangeFailedError extends PipelineError {
  override readonly name = 'EarlierChangeFailedError';
}

/** A record not started because the invocation's time budget was spent; the next invocation applies it. */
export class BudgetSpentError extends PipelineError {
  override readonly name = 'BudgetSpentError';
}

/** The identity of the item a stream record changed. */
function itemKey(rec: StreamRecord): string | undefined {
  const keys = rec.dynamodb?.Keys;
  return keys === undefined ? undefined : JSON.stringify([keys.PK, keys.SK]);
}

/**
 * For each record (by sequence number), a promise of whether the previous
 * record of the same item succeeded, and how to settle its own turn.
 */
function turnsPerItem(
  records: readonly StreamRecord[],
): Map<string, { previous?: Promise<boolean>; settle(ok: boolean): void }> {
  const last = new Map<string, Promise<boolean>>();
  const turns = new Map<string, { previous?: Promise<boolean>; settle(ok: boolean): void }>();
  for (const rec of records) {
    const seq = rec.dynamodb?.SequenceNumber;
    const key = itemKey(rec);
    if (seq === undefined || key === undefined) continue;
    let settle: (ok: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const previous = last.get(key);
    turns.set(seq, previous === undefined ? { settle } : { previous, settle });
    last.set(key, done);
  }
  return turns;
}

/** Builds the all-time consumer for the given dependencies. */
export function createAllTime(deps: AllTimeDeps): (event: StreamEvent) => Promise<PartialResponse> {
  return async (event) => {
    let applied = 0;
    let changes = 0;
    let skipped = 0;
    let ignored = 0;
    let flagged = 0;
    let headsWritten = 0;
    let deferred = 0;
    const clock = deps.clock ?? systemClock;
    const budgetEnds = clock.now() + (deps.budgetMs ?? 15_000);
    const turns = turnsPerItem(event.Records);
    // The riders' items as this invocation left them, by the stream record that updated them.
    const updated = new Map<string, Record<string, unknown>>();
    const limit = concurrencyLimit(deps.maxConcurrentRecords ?? 8);

    async function apply(rec: StreamRecord): Promise<void> {
      const parsed = parseResultRecord(rec);
      if (parsed.kind === 'unchanged') {
        ignored += 1;
        return;
      }
      if (parsed.kind === 'flagged') {
        flagged += 1;
        return;
      }
      if (parsed.kind === 'ignored') {
        ignored += 1;
        deps.logger.warn('ignored a stream record that is not a counted Result change', {
          reason: parsed.reason,
          sequenceNumber: rec.dynamodb?.SequenceNumber,
        });
        return;
      }
      const outcome =
        parsed.kind === 'insert'
          ? await applyResult(deps.ddb, deps.tableName, parsed.result)
          : await applyChange(deps.ddb, deps.tableName, parsed.change);
      const seq = rec.dynamodb?.SequenceNumber;
      if (seq !== undefined) updated.set(seq, outcome.item as Record<string, unknown>);
      if (!outcome.counted) skipped += 1;
      else if (parsed.kind === 'insert') applied += 1;
      else changes += 1;
    }

    try {
      const response = await processPartialResponse(
        event,
        async (rec: StreamRecord) => {
          const turn = turns.get(rec.dynamodb?.SequenceNumber ?? '');
          if (turn?.previous !== undefined && !(await turn.previous)) {
            turn.settle(false);
            throw new EarlierChangeFailedError(
              'an earlier change of the same result failed in this batch; retried after it',
            );
          }
          try {
            // The slot is taken only after the previous change of the same item settled, so a
            // record waiting for its turn never holds one (no deadlock).
            await limit.run(() => {
              if (clock.now() > budgetEnds) {
                deferred += 1;
                throw new BudgetSpentError("the invocation's time budget is spent; the next invocation applies it");
              }
              return apply(rec);
            });
            turn?.settle(true);
          } catch (error) {
            turn?.settle(false);
            throw error;
          }
        },
        new BatchProcessor(EventType.DynamoDBStreams),
        { throwOnFullBatchFailure: false },
      );
      const failures = response.batchItemFailures.map((f) => ({ itemIdentifier: f.itemIdentifier }));
      const failed = new Set(failures.map((f) => f.itemIdentifier));
      const merged = [...updated].filter(([seq]) => !failed.has(seq));
      try {
        headsWritten = await refreshAllTimeHeads(
          deps.ddb,
          deps.tableName,
          merged.map(([, item]) => item),
        );
      } catch (error) {
        // The updates stand; their records go back to Lambda so that the retry (a replay, which
        // changes no item) merges them into the heads.
        deps.logger.error('all-time heads not refreshed; the batch is retried for them', { error });
        for (const [seq] of merged) failures.push({ itemIdentifier: seq });
      }
      if (deferred > 0) {
        deps.logger.info('all-time records left to the next invocation (the time budget is spent)', { deferred });
      }
      if (failures.length > deferred) {
        deps.logger.error('all-time updates failed; reported as batch item failures', {
          count: failures.length - deferred,
        });
      }
      deps.logger.info('all-time batch applied', {
        records: event.Records.length,
        applied,
        changes,
        replaySkipped: skipped,
        ignored,
      });
      return { batchItemFailures: failures };
    } finally {
      deps.metrics.addMetric('AllTimeApplied', 'Count', applied);
      deps.metrics.addMetric('FlaggedResultsSkipped', 'Count', flagged);
      deps.metrics.addMetric('AllTimeChangesApplied', 'Count', changes);
      deps.metrics.addMetric('AllTimeReplaySkipped', 'Count', skipped);
      deps.metrics.addMetric('RankingHeadsWritten', 'Count', headsWritten);
      deps.metrics.addMetric('AllTimeRecordsDeferred', 'Count', deferred);
      deps.metrics.publishStoredMetrics();
    }
  };
}
