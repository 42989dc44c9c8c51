/**
 * What the final invocation of a window does: write this shard's part of
 * each race it saw (at most one write per race and shard per window), the
 * last of them carrying the shard's window watermark, and — when no other
 * active shard still has to close this window (core/shardWatermark.ts) —
 * claim the window and publish each running race's board of it
 * (publishBoards.ts, publishClaim.ts): one complete board per race and
 * window, whichever shard closes last.
 */
import type { LiveRiders, PartWatermark } from '../../core/livePart.js';
import type { WindowSpan } from '../../core/shardWatermark.js';
import { rememberRaces } from '../../core/shardWatermark.js';
import { ADMISSION } from '../../infra/settings.js';
import { errorMessage, toError } from '../../lib/toError.js';
import { isTransient } from '../runtime/isTransient.js';
import type { RetryOptions } from '../runtime/retry.js';
import { withRetry } from '../runtime/retry.js';
import type { CloseDeps, ClosingWindow, FullRaces } from './closeDeps.js';
import { fullRaceKey, keepMs } from './closeDeps.js';
import { writeLivePart } from './livePartStore.js';
import { publishBoards } from './publishBoards.js';
import { readWatermarks } from './shardWatermarkStore.js';
import { toLiveRiders } from './toLiveRiders.js';
import type { RaceChecks, WindowState } from './windowState.js';
import { isFairTuple } from './windowState.js';
import { parseRaceKey } from './windowState.js';

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
  let lateRefused = 0;
  const cap = deps.maxRiders ?? ADMISSION.maxRidersPerRace;
  let flagged = 0;
  const windowStart = window.startMillis;
  const updatedAt = new Date(deps.clock.now()).toISOString();
  const keys = Object.keys(state.r);
  // The shard's watermark after this close, carried by page 0 of one of its parts.
  const span: WindowSpan | undefined =
    windowStart === undefined ? undefined : { start: windowStart, end: window.endMillis };
  const watermark: PartWatermark | undefined =
    span === undefined
      ? undefined
      : {
          closedEnd: span.end,
          races: rememberRaces(deps.watermarks?.get(shardId)?.races ?? {}, keys, span, keepMs(deps, span)),
        };
  let carried = false;
  // What the shard's watermark item names, read while the parts are written: whether it must be written too.
  const itemRead = readWatermarks(deps.ddb, deps.tableName).then(
    (items) => items.find((m) => m.shardId === shardId),
    () => undefined,
  );
  const storeRace = async (key: string, mark: PartWatermark | undefined): Promise<void> => {
    const { classId, raceId } = parseRaceKey(key);
    const own = toLiveRiders(state.r[key] ?? {}, state.f?.[key]);
    // Newcomers may join only if their first record of the window came before the join cutoff (foldBatch.ts).
    const joins = state.j?.[key];
    const joinsInTime = (racerId: string): boolean => joins !== undefined && joins[racerId] === 1;
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
          mark,
          joinsInTime,
        ),
      {
        ...retry,
        onRetry: (e, n) => deps.logger.warn('retrying live part write', { ...log, attempt: n, error: errorMessage(e) }),
      },
    );
    writes += outcome.putCalls;
    refused += outcome.refused;
    lateRefused += outcome.lateRefused;
    if (outcome.lateRefused > 0) {
      deps.logger.warn('riders joined after the join deadline: refused', { ...log, refused: outcome.lateRefused });
    }
    if (mark !== undefined && span !== undefined && outcome.windowStart === span.start) carried = true;
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
  };
  // One part carries the watermark, written once every other part is stored: a shard is never seen past a
  // window some of whose records it has not stored (a failed write throws, and Lambda retries the close).
  const carrier = watermark === undefined ? undefined : [...keys].sort().at(-1);
  const settled: Array<PromiseSettledResult<void>> = await Promise.allSettled(
    keys.filter((k) => k !== carrier).map((k) => storeRace(k, undefined)),
  );
  if (carrier !== undefined && !settled.some((s) => s.status === 'rejected'))
    settled.push(...(await Promise.allSettled([storeRace(carrier, watermark)])));
  deps.metrics.addMetric('SnapshotWrites', 'Count', writes);
  deps.metrics.addMetric('RidersRefused', 'Count', refused);
  deps.metrics.addMetric('LateJoinersRefused', 'Count', lateRefused);
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
  const item = await itemRead;
  const named = carried && item !== undefined && Object.keys(watermark?.races ?? {}).every((k) => k in item.races);
  const published = await publishBoards(deps, retry, state, shardId, window, updatedAt, watermark, named);
  deps.metrics.addMetric('LivePublishes', 'Count', published.publishes);
  deps.metrics.addMetric('PublishFailures', 'Count', published.publishFailures);
  deps.metrics.addMetric('PublishesSkipped', 'Count', published.skipped);
  deps.metrics.addMetric('PublishesHeld', 'Count', published.held);
  deps.metrics.addMetric('WindowsClosed', 'Count', 1);
  return { races: keys.length, writes, ...published };
}
