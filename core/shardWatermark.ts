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
 * in W, so each shard's aggregator records its watermark:
 * - `closedEnd`: the end of the newest window it closed (any race);
 * - `openStart`: the start of a window it opened after being idle (written by
 *   the first invocation of that window, long before the window closes), so
 *   that a shard waking up at a race's start is waited for too;
 * - `races`: the races it closed lately, with the end of the last window it
 *   closed for each, so that the last closer also publishes races it has no
 *   riders of.
 *
 * `closedEnd` and `races` ride on page 0 of one of the parts the shard
 * writes when it closes a window, written after all its other parts
 * (core/livePart.ts), so a close costs no write of its own. The shard's
 * watermark item (core/keys.ts shardWatermarkKey) keeps `openStart`, and
 * `closedEnd` and `races` as of the last time it did not name every race of
 * the shard (or the shard closed a window with no part to write): a closer
 * reads every watermark item, then page 0 of the parts of every race they
 * name, so it sees each active shard as of its last close (mergeWatermarks).
 *
 * A shard that closed or opened a window less than `waitMs` before W's start
 * is awaited: it is active and will close W if it has records there. A
 * shard more than `waitMs` behind is not awaited any more; its riders stay on
 * the board with what it last stored, and it is awaited again as soon as it
 * closes or opens a window. An awaited shard may also have no record in W at
 * all (rare in a full race, common in a sparse one): how long a closer
 * watches an awaited shard before giving it up is the aggregator's
 * (functions/aggregator/waitForShards.ts).
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

/**
 * One watermark per shard from the pieces read (the shard's watermark item,
 * page 0 of its parts): each moves only forward, so the newest `closedEnd`
 * and `openStart` are the shard's, and each race at its latest end.
 */
export function mergeWatermarks(pieces: readonly ShardWatermark[]): ShardWatermark[] {
  const byShard = new Map<string, ShardWatermark>();
  for (const p of pieces) {
    const m = byShard.get(p.shardId);
    if (m === undefined) {
      byShard.set(p.shardId, { ...p, races: { ...p.races } });
    } else {
      m.closedEnd = newer(m.closedEnd, p.closedEnd);
      m.openStart = newer(m.openStart, p.openStart);
      for (const [race, end] of Object.entries(p.races)) m.races[race] = Math.max(m.races[race] ?? end, end);
    }
  }
  return [...byShard.values()];
}

function newer(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** Every race the watermarks name (the parts that carry the shards' newest watermarks are among theirs). */
export function racesNamed(marks: readonly ShardWatermark[]): string[] {
  const seen = new Set<string>();
  for (const m of marks) for (const race of Object.keys(m.races)) seen.add(race);
  return [...seen].sort();
}
