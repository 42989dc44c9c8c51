/**
 * What the final invocation of a window does: write this shard's part of
 * each race it saw (at most one write per race and shard per window), record
 * the shard's window watermark, and — when no other active shard still has
 * to close this window (core/shardWatermark.ts) — claim and publish each
 * race's board of the window (publishClaim.ts): one complete board per race
 * and window, whichever shard closes last.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rankRiders, type LiveEntry, type LiveRiders } from '../../core/livePart.js';
import { raceEndMillis } from '../../core/raceClock.js';
import type { ShardWatermark, WindowSpan } from '../../core/shardWatermark.js';
import { awaitedShards, racesOfWindow, rememberRaces } from '../../core/shardWatermark.js';
import { ADMISSION, LIVE_BOARD } from '../../infra/settings.js';
import { errorMessage, toError } from '../../lib/toError.js';
import type { Clock, Sleep } from '../runtime/clock.js';
import { isTransient } from '../runtime/isTransient.js';
import type { LogPort, MetricsPort } from '../runtime/observability.js';
import type { RetryOptions } from '../runtime/retry.js';
import { withRetry } from '../runtime/retry.js';
import { readLiveSnapshot } from './livePartReads.js';
import type { LivePartCache } from './livePartStore.js';
import { writeLivePart } from './livePartStore.js';
import { storeLiveBoard } from './liveBoardStore.js';
import type { LiveRankingsInput } from './publishLiveRankings.js';
import { toLiveRiders } from './toLiveRiders.js';
import { capSnapshot } from './capSnapshot.js';
import { fitBand } from './fitBand.js';
import type { LiveBand } from '../../core/liveBands.js';
import { toBands } from '../../core/liveBands.js';
import { claimPublish, claimWindow } from './publishClaim.js';
import { readWatermarks, recordWindowClosed } from './shardWatermarkStore.js';
import type { RaceChecks, WindowState } from './windowState.js';
import { isFairTuple } from './windowState.js';
import { parseRaceKey } from './windowState.js';

export interface CloseDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  /** Race length (the race clock): the windows after a race's end are published by every closer. */
  raceSeconds: number;
  publish: (input: LiveRankingsInput) => Promise<void>;
  /** Publishes a board's bands to onLiveBoard (publishLiveBands.ts); without it only onLiveRankings is published. */
  publishBands?: (bands: readonly LiveBand[]) => Promise<void>;
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
  /** What this container last recorded on each shard's watermark. */
  watermarks?: WatermarkMemo;
  /** How long a board waits for an active shard to close its window (default: infra/settings.ts LIVE_BOARD). */
  shardWaitMs?: number;
}

/** Per shard: the races kept on its watermark and the windows this container last closed and opened on it. */
export type WatermarkMemo = Map<string, { races: Record<string, number>; closedEnd?: number; openedStart?: number }>;

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
  /** Boards another closer claimed (it published them). */
  skipped: number;
  /** Races whose board waits for another shard to close the window. */
  held: number;
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

/** Claims that cannot be made (DynamoDB failing after the retries) publish anyway: a second complete board is harmless, a missing one is not. */
async function claimOrPublishAnyway(
  deps: CloseDeps,
  retry: RetryOptions,
  log: Record<string, unknown>,
  claim: () => Promise<boolean>,
): Promise<boolean> {
  try {
    return await withRetry('claim publish', claim, retry);
  } catch (error) {
    deps.logger.warn('could not claim the publish; publishing anyway', { ...log, error: errorMessage(error) });
    return true;
  }
}

/**
 * Closes the window for every race in `state`. Storing is required: if it
 * fails after the in-process retries, this throws so that Lambda retries the
 * final invocation with the same state (re-applying it is a no-op where it was
 * already stored), and the shard's watermark is not moved past a window whose
 * parts are not all stored. Publishing is best effort by design: the stored
 * parts are the source of truth (the liveRankings query reads them) and the
 * next window publishes a complete board again, so a failed publish is
 * counted (PublishFailures) and logged, and does not block the shard.
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
  let refused = 0;
  const cap = deps.maxRiders ?? ADMISSION.maxRidersPerRace;
  let flagged = 0;
  const windowStart = window.startMillis;
  const updatedAt = new Date(deps.clock.now()).toISOString();
  const keys = Object.keys(state.r);
  const settled = await Promise.allSettled(
    keys.map(async (key) => {
      const { classId, raceId } = parseRaceKey(key);
      const own = toLiveRiders(state.r[key] ?? {}, state.f?.[key]);
      const log = { shardId, classId, raceId };
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
    }),
  );
  deps.metrics.addMetric('SnapshotWrites', 'Count', writes);
  deps.metrics.addMetric('RidersRefused', 'Count', refused);
  deps.metrics.addMetric('FairPlayFlags', 'Count', flagged);
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
  const published = await publishBoards(deps, retry, state, shardId, window, updatedAt);
  deps.metrics.addMetric('LivePublishes', 'Count', published.publishes);
  deps.metrics.addMetric('PublishFailures', 'Count', published.publishFailures);
  deps.metrics.addMetric('PublishesSkipped', 'Count', published.skipped);
  deps.metrics.addMetric('PublishesHeld', 'Count', published.held);
  deps.metrics.addMetric('WindowsClosed', 'Count', 1);
  return { races: keys.length, writes, ...published };
}

interface PublishCounts {
  publishes: number;
  skipped: number;
  held: number;
  publishFailures: number;
}

/**
 * After this shard's parts are stored: record its watermark, then publish
 * the boards this closer is the one to publish. Without a window (not a
 * tumbling-window event) there is nothing to coordinate on: every race seen
 * is published.
 */
async function publishBoards(
  deps: CloseDeps,
  retry: RetryOptions,
  state: WindowState,
  shardId: string,
  window: ClosingWindow,
  updatedAt: string,
): Promise<PublishCounts> {
  const counts: PublishCounts = { publishes: 0, skipped: 0, held: 0, publishFailures: 0 };
  const own = Object.keys(state.r);
  if (window.startMillis === undefined) {
    await Promise.all(own.map((key) => publishRace(deps, retry, counts, key, shardId, updatedAt, window, undefined)));
    return counts;
  }
  const span: WindowSpan = { start: window.startMillis, end: window.endMillis };
  const memo = deps.watermarks?.get(shardId);
  const keep = waitMs(deps, span) + 2 * (span.end - span.start);
  const races = rememberRaces(memo?.races ?? {}, own, span, keep);
  await withRetry(
    'record window watermark',
    () => recordWindowClosed(deps.ddb, deps.tableName, shardId, span, races, updatedAt),
    retry,
  );
  deps.watermarks?.set(shardId, { ...memo, races, closedEnd: span.end });
  const marks: ShardWatermark[] = await withRetry(
    'read window watermarks',
    () => readWatermarks(deps.ddb, deps.tableName),
    retry,
  );
  const over = (key: string): boolean => span.end > raceEndMillis(parseRaceKey(key).raceId, deps.raceSeconds);
  // A race that is over is published by every closer that has it and sees more (publishClaim.ts).
  const finished = own.filter(over);
  const awaited = awaitedShards(marks, shardId, span, waitMs(deps, span));
  const running =
    awaited.length > 0 ? [] : [...new Set([...own, ...racesOfWindow(marks, span)])].filter((k) => !over(k));
  if (awaited.length > 0) {
    const held = own.filter((k) => !over(k));
    counts.held += held.length;
    if (held.length > 0)
      deps.logger.debug('window closed; waiting for shards to close it', { shardId, awaited, races: held.length });
  }
  await Promise.all([
    ...finished.map((key) => publishRace(deps, retry, counts, key, shardId, updatedAt, window, 'progress')),
    ...running.map((key) => publishRace(deps, retry, counts, key, shardId, updatedAt, window, span.end)),
  ]);
  return counts;
}

function waitMs(deps: CloseDeps, span: WindowSpan): number {
  return deps.shardWaitMs ?? Math.max(LIVE_BOARD.shardWaitMinMs, LIVE_BOARD.shardWaitWindows * (span.end - span.start));
}

/**
 * Reads a race's parts, claims its board (by window while it runs, by
 * progress once it is over, no claim without a window) and publishes it.
 */
async function publishRace(
  deps: CloseDeps,
  retry: RetryOptions,
  counts: PublishCounts,
  key: string,
  shardId: string,
  updatedAt: string,
  window: ClosingWindow,
  claim: number | 'progress' | undefined,
): Promise<void> {
  const { classId, raceId } = parseRaceKey(key);
  const log = { shardId, classId, raceId };
  try {
    const snapshot = await withRetry(
      'read live parts',
      () => readLiveSnapshot(deps.ddb, deps.tableName, classId, raceId),
      retry,
    );
    const ref = { classId, raceId, shardId };
    if (claim !== undefined) {
      const won = await claimOrPublishAnyway(deps, retry, log, () =>
        claim === 'progress'
          ? claimPublish(deps.ddb, deps.tableName, ref, snapshot.progress, updatedAt)
          : claimWindow(deps.ddb, deps.tableName, ref, claim, snapshot.progress, updatedAt),
      );
      if (!won) {
        counts.skipped += 1;
        deps.logger.debug('window closed; another closer published this board', log);
        return;
      }
    }
    const entries = rankRiders(snapshot.parts);
    const meta = { classId, raceId, updatedAt };
    const bands = deps.publishBands === undefined ? [] : toBands(entries, meta).map(fitBand);
    const oversized = bands.filter((b) => !b.fits).length;
    if (oversized > 0) deps.metrics.addMetric('OversizedBands', 'Count', oversized);
    const top = capSnapshot({ ...meta, entries });
    // The board the queries read is stored once the events are out: the events are what a viewer waits for.
    await Promise.all([deps.publish(top), deps.publishBands?.(bands.map((b) => b.band))]);
    await storeBoard(deps, retry, log, { ...meta, entries }, snapshot.progress, top.entries.length);
    if (bands.length > 0) deps.metrics.addMetric('BandsPublished', 'Count', bands.length);
    counts.publishes += 1;
    deps.metrics.addMetric('WindowCloseLatencyMs', 'Milliseconds', Math.max(0, deps.clock.now() - window.endMillis));
    deps.logger.info('window published', { ...log, entries: entries.length });
  } catch (error) {
    counts.publishFailures += 1;
    deps.logger.error('publishing a live board failed; the next window publishes again', {
      ...log,
      error: errorMessage(error),
    });
  }
}

/**
 * Stores the board the live queries read (liveBoardStore.ts), beside its
 * publish. Best effort like the publish: a board not stored leaves the
 * queries on the previous one until the next window's.
 */
async function storeBoard(
  deps: CloseDeps,
  retry: RetryOptions,
  log: Record<string, unknown>,
  board: { classId: number; raceId: number; updatedAt: string; entries: readonly LiveEntry[] },
  progress: number,
  topRiders: number,
): Promise<void> {
  try {
    const outcome = await withRetry(
      'store live board',
      () => storeLiveBoard(deps.ddb, deps.tableName, board, progress, topRiders),
      retry,
    );
    deps.metrics.addMetric('BoardWriteCalls', 'Count', outcome.writeCalls);
    if (!outcome.stored) deps.logger.debug('a newer board was stored first', log);
  } catch (error) {
    deps.metrics.addMetric('BoardStoreFailures', 'Count', 1);
    deps.logger.error('storing a live board failed; queries show the previous one', {
      ...log,
      error: errorMessage(error),
    });
  }
}
