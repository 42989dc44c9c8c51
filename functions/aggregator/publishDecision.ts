/**
 * Which closer of a window publishes a race's live ranking: the last one.
 *
 * Every shard closes the same window on its own, and each part records the
 * window its shard last closed for the race (livePartStore.ts). After
 * writing its own part, a closer reads every part's window: a part whose
 * window ended within the window before this one belongs to a shard that has
 * riders of the race and has not closed this window yet; it will publish when
 * it does, so this closer skips. Parts at this window or later have closed
 * it; older parts (or none recorded) belong to shards without riders of the
 * race any more, and cannot hold publishing back.
 *
 * The test is on where windows end, not on equal starts, so it holds for
 * unaligned windows too, and the closer furthest behind never finds another
 * lagging: no window is left unpublished by closers waiting on each other.
 * Two closers running at once both write before they read (strongly
 * consistent), so at least one sees the other and publishes; publishing twice
 * is harmless, as both rankings are complete. What it costs: a shard that
 * stops holds the other closers back for one window.
 */
import type { PartWindow } from './livePartReads.js';

/**
 * True when the closer of window [`windowStart`, `windowStart + windowMs`) on
 * `shardId` should publish: no other part's window ended within the window
 * before this one (windows of a mapping all have the same length). `parts`
 * must be read after this closer's own write.
 */
export function closesLast(
  parts: ReadonlyArray<Pick<PartWindow, 'shardId' | 'windowStart'>>,
  shardId: string,
  windowStart: number,
  windowMs: number,
): boolean {
  for (const part of parts) {
    if (part.shardId === shardId || part.windowStart === undefined) continue;
    const end = part.windowStart + windowMs;
    if (end > windowStart - windowMs && end <= windowStart) return false;
  }
  return true;
}
