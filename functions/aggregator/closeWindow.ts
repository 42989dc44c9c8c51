/**
 * What the final invocation of a window does for each race it saw: write this
 * shard's part (at most one write per race and shard per window), read every
 * shard's part, rank the merged snapshot and publish it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Sleep } from '../shared/clock.js';
import type { Clock } from '../shared/clock.js';
import { isTransient } from '../shared/isTransient.js';
import type { LogPort, MetricsPort } from '../shared/observability.js';
import type { LiveRankingsInput } from '../shared/publishLiveRankings.js';
import { toError } from '../shared/errors.js';
import type { RetryOptions } from '../shared/retry.js';
import { withRetry } from '../shared/retry.js';
import { rankLiveParts } from '../shared/liveRiders.js';
import { toLiveRiders } from './toLiveRiders.js';
import type { LivePartCache } from './livePartStore.js';
import { writeLivePart } from './livePartStore.js';
import { readLiveParts } from '../shared/readLiveParts.js';
import type { WindowState } from './windowState.js';
import { parseRaceKey } from './windowState.js';

export interface CloseDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  publish: (input: LiveRankingsInput) => Promise<void>;
  logger: LogPort;
  metrics: MetricsPort;
  clock: Clock;
  sleep?: Sleep;
  /** Attempts of each DynamoDB step before the final invocation fails (default 5). */
  attempts?: number;
  /** Parts this container wrote last (saves a GetItem per race and window). */
  partCache?: LivePartCache;
}

export interface CloseOutcome {
  races: number;
  writes: number;
  publishFailures: number;
}

/** Error thrown when a window could not be stored: Lambda retries the final invocation with the same state. */
export class WindowCloseError extends Error {
  override readonly name = 'WindowCloseError';
  constructor(
    message: string,
    readonly failures: Error[],
  ) {
    super(message, { cause: failures[0] });
  }
}

/**
 * Closes the window for every race in `state`. Storing is required: if it
 * fails after the in-process retries, this throws so that Lambda retries the
 * final invocation with the same state (re-applying it is a no-op where it was
 * already stored). Publishing is best effort by design: the stored parts are
 * the source of truth (the liveRankings query reads them) and the next window
 * publishes the complete snapshot again, so a failed publish is counted
 * (PublishFailures) and logged, and does not block the shard.
 */
export async function closeWindow(
  deps: CloseDeps,
  state: WindowState,
  shardId: string,
  windowEndMillis: number,
): Promise<CloseOutcome> {
  const retry: RetryOptions = {
    attempts: deps.attempts ?? 5,
    baseMs: 100,
    capMs: 2000,
    isRetryable: isTransient,
    sleep: deps.sleep,
  };
  let writes = 0;
  let publishFailures = 0;
  const keys = Object.keys(state.r);
  const settled = await Promise.allSettled(
    keys.map(async (key) => {
      const { classId, raceId } = parseRaceKey(key);
      const riders = state.r[key] ?? {};
      const log = { shardId, classId, raceId };
      const updatedAt = new Date(deps.clock.now()).toISOString();
      const outcome = await withRetry(
        'write live part',
        () => writeLivePart(deps.ddb, deps.tableName, { classId, raceId, shardId }, toLiveRiders(riders), updatedAt, deps.partCache),
        { ...retry, onRetry: (e, n) => deps.logger.warn('retrying live part write', { ...log, attempt: n, error: toError(e).message }) },
      );
      writes += outcome.putCalls;
      const parts = await withRetry('read live parts', () => readLiveParts(deps.ddb, deps.tableName, classId, raceId), retry);
      const entries = rankLiveParts(parts);
      try {
        await deps.publish({ classId, raceId, updatedAt, entries });
        deps.metrics.addMetric('WindowCloseLatencyMs', 'Milliseconds', Math.max(0, deps.clock.now() - windowEndMillis));
        deps.logger.info('window closed', { ...log, riders: Object.keys(riders).length, entries: entries.length, written: outcome.written });
      } catch (error) {
        publishFailures += 1;
        deps.logger.error('publishLiveRankings failed; the next window publishes again', { ...log, error: toError(error).message });
      }
    }),
  );
  deps.metrics.addMetric('SnapshotWrites', 'Count', writes);
  deps.metrics.addMetric('PublishFailures', 'Count', publishFailures);
  const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => toError(s.reason));
  if (failures.length > 0) {
    for (const f of failures) deps.logger.error('storing a live part failed', { shardId, error: f.message, cause: toError(f.cause ?? f).message });
    throw new WindowCloseError(`${failures.length} of ${keys.length} races could not be stored`, failures);
  }
  deps.metrics.addMetric('WindowsClosed', 'Count', 1);
  return { races: keys.length, writes, publishFailures };
}
