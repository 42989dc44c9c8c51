/**
 * What a closer does when other shards are still awaited for its window
 * (core/shardWatermark.ts awaitedShards): it watches their watermarks for a
 * short while instead of leaving the board to later windows, because a later
 * window may never come (a sparse race whose last records were in this one).
 *
 * Each poll ends the wait one of three ways:
 * - another closer claimed the window, or no shard is awaited any more: the
 *   close goes on (claimRunning.ts decides who publishes); the claim, one
 *   item, is read more often than the watermarks, since with every shard
 *   busy that is how a wait ends;
 * - an awaited shard moved (closed or opened another window) without closing
 *   this one: it is behind and will close this window itself, so this
 *   closer holds the board;
 * - after the last poll, shards that gave no sign are given up: the board is
 *   published without their new records. A shard given up is not waited for
 *   again by this container until its watermark moves, so a stopped shard
 *   costs one wait, not one per window. If it does close the window later, it
 *   finds the claim made without it and publishes again if it holds more.
 */
import type { ShardWatermark, WindowSpan } from '../../core/shardWatermark.js';
import { awaitedShards } from '../../core/shardWatermark.js';
import { LIVE_BOARD } from '../../infra/settings.js';
import { realSleep } from '../runtime/clock.js';
import { readClaimOrNot } from './claimRunning.js';
import type { CloseDeps } from './closeDeps.js';
import { waitMs } from './closeDeps.js';
import type { WindowClaim } from './publishClaim.js';

/** What one reading of the watermarks gives (readMarks.ts). */
export interface MarksRead {
  marks: ShardWatermark[];
  claim: WindowClaim | undefined;
}

/** The last reading, and the shards the board is held for (empty: the close goes on). */
export interface WaitOutcome extends MarksRead {
  awaited: string[];
}

/** A shard's watermark progress: changes whenever it closes or opens a window. */
function progressOf(marks: readonly ShardWatermark[], shardId: string): string {
  const m = marks.find((x) => x.shardId === shardId);
  return m === undefined ? '' : `${m.closedEnd ?? ''}/${m.openStart ?? ''}`;
}

/** Awaited shards, less those this container gave up whose watermark has not moved since. */
function stillAwaited(deps: CloseDeps, marks: readonly ShardWatermark[], shardId: string, span: WindowSpan): string[] {
  const givenUp = deps.givenUp;
  return awaitedShards(marks, shardId, span, waitMs(deps, span)).filter((s) => {
    const then = givenUp?.get(s);
    if (then === undefined) return true;
    if (then === progressOf(marks, s)) return false;
    givenUp?.delete(s);
    return true;
  });
}

function claimedByAnother(claim: WindowClaim | undefined, shardId: string, span: WindowSpan): boolean {
  return claim !== undefined && claim.windowEnd >= span.end && claim.claimant !== shardId;
}

/**
 * Waits while shards are awaited for `span`, as the file comment says:
 * reads the window claim every `claimPollMs` and the watermarks (`read`)
 * every `holdPollMs`. `first` is the reading the close already made.
 */
export async function waitForShards(
  deps: CloseDeps,
  shardId: string,
  span: WindowSpan,
  read: () => Promise<MarksRead>,
  first: MarksRead,
): Promise<WaitOutcome> {
  let seen = first;
  let awaited = stillAwaited(deps, seen.marks, shardId, span);
  if (awaited.length === 0) return { ...seen, awaited };
  const before = new Map(awaited.map((s) => [s, progressOf(seen.marks, s)]));
  const sleep = deps.sleep ?? realSleep;
  const started = deps.clock.now();
  const claimReads = Math.max(1, Math.round(LIVE_BOARD.holdPollMs / LIVE_BOARD.claimPollMs));
  for (let poll = 0; poll < LIVE_BOARD.holdPolls; poll += 1) {
    for (let i = 1; i < claimReads; i += 1) {
      await sleep(LIVE_BOARD.claimPollMs);
      const claim = await readClaimOrNot(deps, shardId);
      if (claimedByAnother(claim, shardId, span)) return { ...seen, claim, awaited: [] };
    }
    await sleep(LIVE_BOARD.claimPollMs);
    seen = await read();
    if (claimedByAnother(seen.claim, shardId, span)) return { ...seen, awaited: [] };
    awaited = stillAwaited(deps, seen.marks, shardId, span);
    if (awaited.length === 0) return { ...seen, awaited };
    if (awaited.some((s) => before.get(s) !== progressOf(seen.marks, s))) return { ...seen, awaited };
  }
  for (const s of awaited) deps.givenUp?.set(s, progressOf(seen.marks, s));
  deps.metrics.addMetric('ShardsGivenUp', 'Count', awaited.length);
  deps.logger.info('awaited shards did not close the window; publishing without them', {
    shardId,
    givenUp: awaited,
    waitedMs: deps.clock.now() - started,
  });
  return { ...seen, awaited: [] };
}
