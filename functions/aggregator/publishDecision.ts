/**
 * Which closer of a window publishes a race's live ranking: the last one.
 *
 * A race's riders are spread over every shard, and each shard closes the same
 * (epoch-aligned) window on its own. If every closer published, a race would
 * be published once per shard per window, each time the complete ranking.
 * Instead each part records the window its shard last closed for the race
 * (livePartStore.ts), and after writing its own part a closer reads where
 * every part is (a strongly consistent Query of keys and windows only):
 *
 * - a part at this window or later: that shard has closed this window;
 * - a part at the previous window (its window ended when this one started, or
 *   up to one window earlier): that shard had riders of the race a window ago
 *   and has not closed this window yet — it is lagging and will publish when
 *   it closes, so this closer skips;
 * - a part older than that (or that never recorded a window): the shard has no
 *   riders of this race any more (or stopped); it cannot block publishing.
 *
 * The test is on where the other part's window ends, not on equal starts, so
 * that it also holds if shards' windows were not aligned to the same
 * boundaries (the local runtime aligns them to the epoch): a part whose window
 * overlaps this one counts as closed, and the closer that is furthest behind
 * never finds another part lagging — it always publishes, so no window is left
 * unpublished by closers waiting on each other.
 *
 * With no lagging part this closer publishes. Two closers of the same window
 * running at once both write before they read, and reads are strongly
 * consistent, so at least one of them sees the other's write and publishes:
 * a window is never left unpublished by a race of closers (publishing twice
 * is harmless: both rankings are complete). A closer that is itself behind
 * finds the others at later windows and publishes, so a slow shard's riders
 * reach subscribers as soon as they are stored.
 *
 * The riders of every part are ranked whatever their window; the windows only
 * decide who publishes. What this costs: a shard that stops, or that has
 * riders of a race in one window and none in the next, holds the other
 * closers back for one window (the next window it reads as inactive). A race's
 * last windows may therefore be published by every closer (`raceOver`: at the
 * end some shards get their last records a window before others); of those,
 * only the first to claim each newer snapshot does (publishClaim.ts).
 */
import type { PartWindow } from '../shared/readLiveParts.js';

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
