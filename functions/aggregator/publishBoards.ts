/**
 * The publish step of a window's close, once this shard's parts are stored:
 * which boards this closer publishes (readMarks.ts, waitForShards.ts,
 * claimRunning.ts), each published from the stored parts (bands, then the
 * capped complete board), then stored for the live queries (liveBoardStore.ts).
 */
import { toBands } from '../../core/liveBands.js';
import type { PartWatermark } from '../../core/livePart.js';
import { raceEndMillis } from '../../core/raceClock.js';
import type { ShardWatermark, WindowSpan } from '../../core/shardWatermark.js';
import { racesOfWindow } from '../../core/shardWatermark.js';
import { errorMessage } from '../../lib/toError.js';
import type { RetryOptions } from '../runtime/retry.js';
import { withRetry } from '../runtime/retry.js';
import { capSnapshot } from './capSnapshot.js';
import { claimOrPublishAnyway, claimRunning } from './claimRunning.js';
import type { CloseDeps, ClosingWindow } from './closeDeps.js';
import { fitBand } from './fitBand.js';
import type { BoardToStore } from './liveBoardStore.js';
import { storeLiveBoards } from './liveBoardStore.js';
import { readLiveSnapshot } from './livePartReads.js';
import { claimPublish, claimWindow } from './publishClaim.js';
import { rankBoard } from './rankBoard.js';
import { readMarks } from './readMarks.js';
import { recordWindowClosed } from './shardWatermarkStore.js';
import type { WindowState } from './windowState.js';
import { parseRaceKey } from './windowState.js';
import { waitForShards } from './waitForShards.js';

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
export async function publishBoards(
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
  const self = { shardId, closedEnd: span.end, openStart: memo?.openedStart, races };
  const read = () => readMarks(deps, retry, shardId, span, own, self);
  const first = await read();
  const over = (key: string): boolean => span.end > raceEndMillis(parseRaceKey(key).raceId, deps.raceSeconds);
  const runningOf = (marks: readonly ShardWatermark[]) =>
    [...new Set([...own, ...racesOfWindow(marks, span)])].filter((k) => !over(k));
  // A race that is over is published by every closer that has it and sees more (publishClaim.ts).
  const finished = own.filter(over);
  // Only a running race's board waits for the other shards.
  const { marks, claim, awaited } =
    runningOf(first.marks).length === 0
      ? { ...first, awaited: [] }
      : await waitForShards(deps, shardId, span, read, first);
  const running = awaited.length > 0 ? [] : runningOf(marks);
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
