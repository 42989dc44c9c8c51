/**
 * Window watermarks of the telemetry stream's shards: which shards a closer
 * of a tumbling window must wait for before a live board of that window is
 * complete.
 *
 * On AWS (and locally) tumbling windows are per shard: every shard with
 * records in window W closes W on its own, at its own pace. A record that
 * reached the stream before W's end is in its shard's window W or an earlier
 * one, so once every shard that has records in W has closed W, the stored
 * parts hold every such record. No shard can know which others have records
 * in W, so each shard's aggregator records, in one watermark item per shard
 * (core/keys.ts shardWatermarkKey):
 * - `closedEnd`: the end of the newest window it closed (any race);
 * - `openStart`: the start of a window it opened after being idle (written by
 *   the first invocation of that window, long before the window closes), so
 *   that a shard waking up at a race's start is waited for too;
 * - `races`: the races it closed lately, with the end of the last window it
 *   closed for each, so that the last closer also publishes races it has no
 *   riders of.
 *
 * A shard that closed or opened a window less than `waitMs` before W's start
 * is awaited: it is active and will close W if it has records there. So the
 * wait is bounded: a shard that stops (or falls more than `waitMs` behind)
 * holds boards back for `waitMs` of windows, then boards go on without its new
 * records; its riders stay on the board with what it last stored, and it is
 * awaited again as soon as it closes or opens a window. An active shard that has no record in W at all (rare: riders are
 * spread over shards by racerId) holds W back until it is given up.
 */

/** A shard's watermark as the closers read it. */
export interface ShardWatermark {
  shardId: string;
  /** Epoch ms end of the newest window the shard closed (undefined: none yet). */
  closedEnd: number | undefined;
  /** Epoch ms start of a window the shard opened after being idle (undefined: none). */
  openStart: number | undefined;
  /** Races (`<classId>:<raceId>`) the shard closed lately, with the end of the last window it closed each in. */
  races: Record<string, number>;
}

/** The window being closed: epoch ms, `start` inclusive, `end` exclusive. */
export interface WindowSpan {
  start: number;
  end: number;
}

/**
 * Shards other than `self` that a board of `window` still waits for: active
 * within `waitMs` before the window's start and not yet past its end.
 * `marks` must be read after `self` recorded its own close.
 */
export function awaitedShards(
  marks: readonly ShardWatermark[],
  self: string,
  window: WindowSpan,
  waitMs: number,
): string[] {
  const horizon = window.start - waitMs;
  const out: string[] = [];
  for (const m of marks) {
    const closedIt = m.closedEnd !== undefined && m.closedEnd >= window.end;
    const recentlyClosed = m.closedEnd !== undefined && m.closedEnd > horizon;
    const openBefore =
      m.openStart !== undefined &&
      m.openStart > horizon &&
      m.openStart <= window.start &&
      (m.closedEnd === undefined || m.openStart >= m.closedEnd);
    if (m.shardId !== self && !closedIt && (recentlyClosed || openBefore)) out.push(m.shardId);
  }
  return out;
}

/**
 * Races a complete board of `window` is published for: those any shard
 * closed in this window or later (a shard ahead has closed this one too).
 */
export function racesOfWindow(marks: readonly ShardWatermark[], window: WindowSpan): string[] {
  const seen = new Set<string>();
  for (const m of marks) {
    for (const [race, end] of Object.entries(m.races)) if (end >= window.end) seen.add(race);
  }
  return [...seen].sort();
}

/**
 * The races a shard keeps on its watermark after closing `window` with
 * `closed`: those closed within `keepMs` before it, each at its latest window.
 */
export function rememberRaces(
  previous: Readonly<Record<string, number>>,
  closed: readonly string[],
  window: WindowSpan,
  keepMs: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [race, end] of Object.entries(previous)) if (end >= window.end - keepMs) out[race] = end;
  for (const race of closed) out[race] = Math.max(out[race] ?? 0, window.end);
  return out;
}
