/**
 * What the final invocation of a window does: write this shard's part of
 * each race it saw (at most one write per race and shard per window), the
 * last of them carrying the shard's window watermark, and — when no other
 * active shard still has to close this window (core/shardWatermark.ts) —
 * claim the window and publish each running race's board of it
 * (publishClaim.ts): one complete board per race and window, whichever shard
 * closes last.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LiveRiders, PartWatermark } from '../../core/livePart.js';
import { raceEndMillis } from '../../core/raceClock.js';
import type { ShardWatermark, WindowSpan } from '../../core/shardWatermark.js';
import { awaitedShards, mergeWatermarks, racesNamed, racesOfWindow, rememberRaces } from '../../core/shardWatermark.js';
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
import type { BoardToStore } from './liveBoardStore.js';
import { storeLiveBoards } from './liveBoardStore.js';
import type { LiveRankingsInput } from './publishLiveRankings.js';
import { toLiveRiders } from './toLiveRiders.js';
import { capSnapshot } from './capSnapshot.js';
import { fitBand, type SerializedBand } from './fitBand.js';
import { rankBoard } from './rankBoard.js';
import type { LiveBand } from '../../core/liveBands.js';
import { toBands } from '../../core/liveBands.js';
import type { WindowClaim } from './publishClaim.js';
import { claimBoards, claimPublish, claimWindow, readWindowClaim } from './publishClaim.js';
import { readPartWatermarks, readWatermarkItems, readWatermarks, recordWindowClosed } from './shardWatermarkStore.js';
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
  publishBands?: (bands: ReadonlyArray<LiveBand | SerializedBand>) => Promise<void>;
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

interface PublishCounts {
  publishes: number;
  skipped: number;
  held: number;
  publishFailures: number;
}

/**
 * After this shard's parts are stored: record its watermark item unless a
 * part carries the watermark and the item names every race of it
 * (`named`: core/shardWatermark.ts), read every shard's watermark, then
 * publish the boards this closer is the one to publish. Without a window
 * (not a tumbling-window event) there is nothing to coordinate on: every
 * race seen is published.
 */
async function publishBoards(
  deps: CloseDeps,
  retry: RetryOptions,
  state: WindowState,
  shardId: string,
  window: ClosingWindow,
  updatedAt: string,
  watermark: PartWatermark | undefined,
  named: boolean,
): Promise<PublishCounts> {
  const counts: PublishCounts = { publishes: 0, skipped: 0, held: 0, publishFailures: 0 };
  const own = Object.keys(state.r);
  if (window.startMillis === undefined || watermark === undefined) {
    const published = await Promise.all(
      own.map((key) => publishRace(deps, retry, counts, key, shardId, updatedAt, window, undefined)),
    );
    await storeBoards(deps, retry, shardId, published);
    return counts;
  }
  const span: WindowSpan = { start: window.startMillis, end: window.endMillis };
  const memo = deps.watermarks?.get(shardId);
  const { races } = watermark;
  if (!named) {
    await withRetry(
      'record window watermark',
      () => recordWindowClosed(deps.ddb, deps.tableName, shardId, span, races, updatedAt),
      retry,
    );
  }
  deps.watermarks?.set(shardId, { ...memo, races, closedEnd: span.end });
  const { marks, claim } = await readMarks(deps, retry, shardId, span, own, {
    shardId,
    closedEnd: span.end,
    openStart: memo?.openedStart,
    races,
  });
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
  const boards =
    running.length === 0 ? 'skip' : await claimRunning(deps, retry, shardId, span, marks, claim, updatedAt);
  if (boards === 'skip') {
    counts.skipped += running.length;
    if (running.length > 0) deps.logger.debug('window closed; another closer published its boards', { shardId });
  }
  const published = await Promise.all([
    ...finished.map((key) => publishRace(deps, retry, counts, key, shardId, updatedAt, window, 'progress')),
    ...(boards === 'skip'
      ? []
      : running.map((key) =>
          publishRace(deps, retry, counts, key, shardId, updatedAt, window, boards === 'won' ? undefined : span.end),
        )),
  ]);
  await storeBoards(deps, retry, shardId, published);
  return counts;
}

/**
 * Whether this closer publishes the running races' boards of a window it
 * found complete: `won` the window claim (publishBoards claimBoards: one
 * write for every race), `skip` (another closer claimed it having seen this
 * shard past it, or a newer window was claimed), or `late`: the window was
 * claimed without this shard (given up while it lagged), so each race's
 * board is claimed by its snapshot and published again if it holds more.
 * The claim as read after this shard's writes spares the write when it
 * could not succeed; claims that cannot be made publish anyway.
 */
async function claimRunning(
  deps: CloseDeps,
  retry: RetryOptions,
  shardId: string,
  span: WindowSpan,
  marks: readonly ShardWatermark[],
  claim: WindowClaim | undefined,
  updatedAt: string,
): Promise<'won' | 'skip' | 'late'> {
  const fromOthers = (c: WindowClaim | undefined): 'skip' | 'late' | undefined => {
    if (c === undefined || c.windowEnd < span.end || (c.windowEnd === span.end && c.claimant === shardId))
      return undefined;
    return c.windowEnd > span.end || c.closers.includes(shardId) ? 'skip' : 'late';
  };
  // The claim as read with the watermarks, then once more just before claiming: closers that finish
  // together read the watermarks together, and the one read last sees a claim already made.
  const known = fromOthers(claim) ?? fromOthers(await readClaimOrNot(deps, shardId));
  if (known !== undefined) return known;
  const closers = marks.filter((m) => m.closedEnd !== undefined && m.closedEnd >= span.end).map((m) => m.shardId);
  const won = await claimOrPublishAnyway(deps, retry, { shardId }, () =>
    claimBoards(deps.ddb, deps.tableName, shardId, span.end, closers.sort(), updatedAt),
  );
  if (won) return 'won';
  try {
    return (
      fromOthers(await withRetry('read window claim', () => readWindowClaim(deps.ddb, deps.tableName), retry)) ?? 'skip'
    );
  } catch (error) {
    deps.logger.warn('could not read the window claim; another closer publishes', {
      shardId,
      error: errorMessage(error),
    });
    return 'skip';
  }
}

/** The window claim, or undefined when it cannot be read (the claim write decides then). */
async function readClaimOrNot(deps: CloseDeps, shardId: string): Promise<WindowClaim | undefined> {
  try {
    return await readWindowClaim(deps.ddb, deps.tableName);
  } catch (error) {
    deps.logger.debug('window claim not read before claiming', { shardId, error: errorMessage(error) });
    return undefined;
  }
}

/** Rounds of part reads for races named only by watermarks read in the previous round. */
const MARK_ROUNDS = 3;

/**
 * Every shard's watermark as of its last close, `self` included: the
 * watermark items, merged with what page 0 of the parts of every race they
 * name (and of this shard's races) carries. Items of shards that have not
 * written theirs for longer than a race, a window and the kept races (an
 * active shard writes it at every race's start) name races nobody closes any more.
 */
async function readMarks(
  deps: CloseDeps,
  retry: RetryOptions,
  shardId: string,
  span: WindowSpan,
  own: readonly string[],
  self: ShardWatermark,
): Promise<{ marks: ShardWatermark[]; claim: WindowClaim | undefined }> {
  const { marks: items, claim } = await withRetry(
    'read window watermarks',
    () => readWatermarkItems(deps.ddb, deps.tableName),
    retry,
  );
  const since = span.start - (deps.raceSeconds * 1000 + keepMs(deps, span));
  const active = items.filter((m) => Math.max(m.closedEnd ?? -Infinity, m.openStart ?? -Infinity) >= since);
  let marks = mergeWatermarks([...items.filter((m) => m.shardId !== shardId), self]);
  const read = new Set<string>();
  let named = [...own, ...racesNamed([...active, self])];
  for (let round = 0; round < MARK_ROUNDS; round += 1) {
    const next = [...new Set(named)].filter((k) => !read.has(k));
    if (next.length === 0) break;
    const pieces = await Promise.all(
      next.map((key) => {
        read.add(key);
        const { classId, raceId } = parseRaceKey(key);
        return withRetry(
          'read part watermarks',
          () => readPartWatermarks(deps.ddb, deps.tableName, classId, raceId),
          retry,
        );
      }),
    );
    marks = mergeWatermarks([...marks, ...pieces.flat()]);
    named = racesNamed(pieces.flat());
  }
  return { marks, claim };
}

function keepMs(deps: CloseDeps, span: WindowSpan): number {
  return waitMs(deps, span) + 2 * (span.end - span.start);
}

function waitMs(deps: CloseDeps, span: WindowSpan): number {
  return deps.shardWaitMs ?? Math.max(LIVE_BOARD.shardWaitMinMs, LIVE_BOARD.shardWaitWindows * (span.end - span.start));
}

/**
 * Reads a race's parts, claims its board (by window for a lagging shard's
 * late close, by progress once the race is over; no claim of its own when
 * the window claim was won or there is no window) and publishes it. Returns
 * the board published, for storeBoards (undefined: not published).
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
): Promise<BoardToStore | undefined> {
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
        return undefined;
      }
    }
    const entries = rankBoard(snapshot.parts);
    const meta = { classId, raceId, updatedAt };
    const bands = deps.publishBands === undefined ? [] : toBands(entries, meta).map(fitBand);
    const oversized = bands.filter((b) => !b.fits).length;
    if (oversized > 0) deps.metrics.addMetric('OversizedBands', 'Count', oversized);
    // The bands' requests go out first: they are what a viewer waits for. The complete board's capped event
    // follows, and the board the queries read is stored once the events are out.
    const bandsOut = deps.publishBands?.(bands);
    // Whatever it throws becomes a rejection awaited beside the bands', never one nobody handles.
    const topOut = (async () => {
      const top = capSnapshot({ ...meta, entries });
      await deps.publish(top);
      return top;
    })();
    const [, top] = await Promise.all([bandsOut, topOut]);
    if (bands.length > 0) deps.metrics.addMetric('BandsPublished', 'Count', bands.length);
    counts.publishes += 1;
    deps.metrics.addMetric('WindowCloseLatencyMs', 'Milliseconds', Math.max(0, deps.clock.now() - window.endMillis));
    deps.logger.info('window published', { ...log, entries: entries.length });
    return { board: { ...meta, entries }, progress: snapshot.progress, topRiders: top.entries.length };
  } catch (error) {
    counts.publishFailures += 1;
    deps.logger.error('publishing a live board failed; the next window publishes again', {
      ...log,
      error: errorMessage(error),
    });
    return undefined;
  }
}

/**
 * Stores the boards this close published, the ones the live queries read
 * (liveBoardStore.ts), all at once: one window's boards share their write
 * calls. Best effort like the publish: a board not stored leaves the queries
 * on the previous one until the next window's.
 */
async function storeBoards(
  deps: CloseDeps,
  retry: RetryOptions,
  shardId: string,
  published: ReadonlyArray<BoardToStore | undefined>,
): Promise<void> {
  const boards = published.filter((b): b is BoardToStore => b !== undefined);
  if (boards.length === 0) return;
  const failed = (b: BoardToStore, error: unknown): void => {
    deps.metrics.addMetric('BoardStoreFailures', 'Count', 1);
    deps.logger.error('storing a live board failed; queries show the previous one', {
      shardId,
      classId: b.board.classId,
      raceId: b.board.raceId,
      error: errorMessage(error),
    });
  };
  try {
    const stored = await withRetry('store live boards', () => storeLiveBoards(deps.ddb, deps.tableName, boards), retry);
    deps.metrics.addMetric('BoardWriteCalls', 'Count', stored.writeCalls);
    stored.outcomes.forEach((outcome, at) => {
      const b = boards[at] as BoardToStore;
      if (outcome instanceof Error) failed(b, outcome);
      else if (!outcome)
        deps.logger.debug('a newer board was stored first', {
          shardId,
          classId: b.board.classId,
          raceId: b.board.raceId,
        });
    });
  } catch (error) {
    for (const b of boards) failed(b, error);
  }
}
