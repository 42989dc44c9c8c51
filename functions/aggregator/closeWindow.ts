/**
 * What the final invocation of a window does for each race it saw: write this
 * shard's part (at most one write per race and shard per window), read where
 * every shard's part is, and — when this shard closed the window last
 * (publishDecision.ts), or the race is over and it is the first to claim that
 * snapshot (publishClaim.ts) — rank the merged snapshot and publish it. One
 * publish per race per window, not one per shard.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rankRiders, type LiveRiders } from '../../core/livePart.js';
import { raceEndMillis } from '../../core/raceClock.js';
import { ADMISSION } from '../../infra/settings.js';
import { errorMessage, toError } from '../../lib/toError.js';
import type { Clock, Sleep } from '../runtime/clock.js';
import { isTransient } from '../runtime/isTransient.js';
import type { LogPort, MetricsPort } from '../runtime/observability.js';
import type { RetryOptions } from '../runtime/retry.js';
import { withRetry } from '../runtime/retry.js';
import { readLiveParts, readLivePartWindows } from './livePartReads.js';
import type { LivePartCache } from './livePartStore.js';
import { writeLivePart } from './livePartStore.js';
import type { LiveRankingsInput } from './publishLiveRankings.js';
import { toLiveRiders } from './toLiveRiders.js';
import { closesLast } from './publishDecision.js';
import { claimPublish } from './publishClaim.js';
import { snapshotProgress } from '../../core/livePublish.js';
import type { RaceChecks, WindowState } from './windowState.js';
import { isFairTuple } from './windowState.js';
import { parseRaceKey } from './windowState.js';

export interface CloseDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  /** Race length (the race clock): the windows after a race's end are published by every closer. */
  raceSeconds: number;
  publish: (input: LiveRankingsInput) => Promise<void>;
  logger: LogPort;
  metrics: MetricsPort;
  clock: Clock;
  sleep?: Sleep;
  /** Attempts of each DynamoDB step before the final invocation fails (default 5). */
  attempts?: number;
  /** Parts this container wrote last (saves a read per race and window). */
  partCache?: LivePartCache;
  /** Riders a class's race admits (default: infra/settings.ts ADMISSION). */
  maxRiders?: number;
  /** Races this container found full, with the shard's pages of each: who may still enter the window state. */
  fullRaces?: FullRaces;
}

/**
 * Full races by shard and race (fullRaceKey), with the pages of that shard's
 * part: one container may serve several shards, whose parts differ.
 */
export type FullRaces = Map<string, readonly LiveRiders[]>;

/** Key of a race and shard in FullRaces (`raceKey`: windowState.ts raceKeyOf). */
export function fullRaceKey(shardId: string, raceKey: string): string {
  return `${shardId}|${raceKey}`;
}

/** Full races remembered per container (a shard sees a handful of races at once). */
const FULL_RACES_REMEMBERED = 64;

function noteFullness(
  fullRaces: FullRaces | undefined,
  key: string,
  full: boolean | undefined,
  pages: readonly LiveRiders[],
): void {
  if (fullRaces === undefined || full === undefined) return;
  fullRaces.delete(key);
  if (!full) return;
  fullRaces.set(key, pages);
  while (fullRaces.size > FULL_RACES_REMEMBERED) {
    const oldest = fullRaces.keys().next().value;
    if (oldest === undefined) break;
    fullRaces.delete(oldest);
  }
}

export interface CloseOutcome {
  races: number;
  writes: number;
  publishes: number;
  /** Races another shard publishes for this window (it closes the window after this one). */
  skipped: number;
  publishFailures: number;
}

/** The window being closed, from the event (`window.start`/`window.end`). */
export interface ClosingWindow {
  startMillis: number | undefined;
  endMillis: number;
}

/** Error thrown when a window could not be stored: Lambda retries the final invocation with the same state. */
export class WindowCloseError extends Error {
  override readonly name = 'WindowCloseError';
  constructor(message: string, readonly failures: Error[]) {
    super(message, { cause: failures[0] });
  }
}

/** Riders of a window whose records broke a fair-play rule in the fold. */
function countFlags(checks: RaceChecks | undefined): number {
  let n = 0;
  if (checks === undefined) return n;
  for (const t of Object.values(checks) as unknown[]) if (isFairTuple(t) && t[3] !== 0) n += 1;
  return n;
}

/**
 * Claims the snapshot for publishing. A claim that cannot be made (DynamoDB
 * failing after the retries) publishes anyway: a second publish of a complete
 * ranking is harmless, a missing one is not.
 */
async function claimed(
  deps: CloseDeps,
  retry: RetryOptions,
  ref: { classId: number; raceId: number; shardId: string },
  progress: number,
  at: string,
): Promise<boolean> {
  try {
    return await withRetry('claim publish', () => claimPublish(deps.ddb, deps.tableName, ref, progress, at), retry);
  } catch (error) {
    deps.logger.warn('could not claim the publish; publishing anyway', { ...ref, error: errorMessage(error) });
    return true;
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
  window: ClosingWindow,
): Promise<CloseOutcome> {
  const retry: RetryOptions = {
    attempts: deps.attempts ?? 5,
    baseMs: 100,
    capMs: 2000,
    isRetryable: isTransient,
    sleep: deps.sleep,
  };
  let writes = 0;
  let publishes = 0;
  let skipped = 0;
  let publishFailures = 0;
  let refused = 0;
  const cap = deps.maxRiders ?? ADMISSION.maxRidersPerRace;
  let flagged = 0;
  const windowStart = window.startMillis;
  const keys = Object.keys(state.r);
  const settled = await Promise.allSettled(
    keys.map(async (key) => {
      const { classId, raceId } = parseRaceKey(key);
      const riders = state.r[key] ?? {};
      const own = toLiveRiders(riders, state.f?.[key]);
      const log = { shardId, classId, raceId };
      const updatedAt = new Date(deps.clock.now()).toISOString();
      const writeStart = deps.clock.now();
      const outcome = await withRetry(
        'write live part',
        () =>
          writeLivePart(
            deps.ddb,
            deps.tableName,
            { classId, raceId, shardId },
            own.riders,
            updatedAt,
            deps.partCache,
            windowStart,
            cap,
            own.firsts,
          ),
        {
          ...retry,
          onRetry: (e, n) =>
            deps.logger.warn('retrying live part write', { ...log, attempt: n, error: errorMessage(e) }),
        },
      );
      writes += outcome.putCalls;
      refused += outcome.refused;
      noteFullness(deps.fullRaces, fullRaceKey(shardId, key), outcome.full, outcome.pages);
      if (outcome.refused > 0) {
        deps.logger.warn('race full: riders refused', {
          ...log,
          refused: outcome.refused,
          cap,
          writeMs: deps.clock.now() - writeStart,
        });
      }
      flagged += countFlags(state.f?.[key]) + outcome.flagged;
      // One strongly consistent read after the write decides who publishes (keys and windows only);
      // the publisher then reads the riders. Either read sees every part written before it.
      const windows = await withRetry(
        'read live part windows',
        () => readLivePartWindows(deps.ddb, deps.tableName, classId, raceId),
        retry,
      );
      // Publish unless a shard one window behind will close this window after us (publishDecision.ts).
      // Every closer publishes without a window (not a tumbling-window event: nothing to coordinate on)
      // and once the race is over (a shard whose riders sent their last records a window earlier
      // would otherwise hold the race's last ranking back for good).
      const raceOver = window.endMillis > raceEndMillis(raceId, deps.raceSeconds);
      if (
        windowStart !== undefined &&
        !raceOver &&
        !closesLast(windows, shardId, windowStart, window.endMillis - windowStart)
      ) {
        skipped += 1;
        deps.logger.debug('window closed; a lagging shard publishes it', { ...log, written: outcome.written });
        return;
      }
      // Once the race is over every closer may publish: of those, the first to claim a newer snapshot does
      // (publishClaim.ts). During the race closesLast alone decides, so the live path stays at one write
      // per race, shard and window.
      if (
        windowStart !== undefined &&
        raceOver &&
        !(await claimed(deps, retry, log, snapshotProgress(windows), updatedAt))
      ) {
        skipped += 1;
        deps.logger.debug('window closed; another closer published this snapshot', {
          ...log,
          written: outcome.written,
        });
        return;
      }
      const parts = await withRetry(
        'read live parts',
        () => readLiveParts(deps.ddb, deps.tableName, classId, raceId),
        retry,
      );
      const entries = rankRiders(parts);
      try {
        await deps.publish({ classId, raceId, updatedAt, entries });
        publishes += 1;
        deps.metrics.addMetric(
          'WindowCloseLatencyMs',
          'Milliseconds',
          Math.max(0, deps.clock.now() - window.endMillis),
        );
        deps.logger.info('window closed', {
          ...log,
          riders: Object.keys(riders).length,
          entries: entries.length,
          written: outcome.written,
        });
      } catch (error) {
        publishFailures += 1;
        deps.logger.error('publishLiveRankings failed; the next window publishes again', {
          ...log,
          error: errorMessage(error),
        });
      }
    }),
  );
  deps.metrics.addMetric('SnapshotWrites', 'Count', writes);
  deps.metrics.addMetric('RidersRefused', 'Count', refused);
  deps.metrics.addMetric('FairPlayFlags', 'Count', flagged);
  deps.metrics.addMetric('PublishFailures', 'Count', publishFailures);
  deps.metrics.addMetric('PublishesSkipped', 'Count', skipped);
  const failures = settled
    .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
    .map((s) => toError(s.reason));
  if (failures.length > 0) {
    for (const f of failures)
      deps.logger.error('storing a live part failed', {
        shardId,
        error: f.message,
        cause: errorMessage(f.cause ?? f),
      });
    throw new WindowCloseError(`${failures.length} of ${keys.length} races could not be stored`, failures);
  }
  deps.metrics.addMetric('WindowsClosed', 'Count', 1);
  return { races: keys.length, writes, publishes, skipped, publishFailures };
}
