/**
 * The published live board as stored items, so that a live query reads a
 * bounded amount whatever the field size: liveBoard reads the head and the
 * asked bands, liveRider the head, one slice of the rider → position index
 * and the bands around the rider, liveRankings the head and the bands of the
 * top of the field. The publisher writes every band and index slice of a
 * board, then points the head at it (functions/aggregator/boardItems.ts
 * builds the items, liveBoardStore.ts writes them); this module reads them.
 *
 * Two copies: a board is written into the copy the head does not point at,
 * then the head flips, so a reader that read the head reads items of that one
 * board (unless it takes longer than a whole publish to read them, which
 * every item's `progress` lets a reader tell).
 *
 * APPSYNC_JS-safe (the live resolvers decode these items): loops, no classes,
 * no regex literals.
 */
import { liveBoardBandKey, liveBoardIndexKey, riderMapKey, writeShard } from './keys.js';
import type { FairPlayRule } from './fairPlay.js';
import { BAND_SIZE, bandCount, bandOfPosition } from './liveBands.js';
import type { LiveEntry } from './livePart.js';

/** Riders per slice of the position index (a slice of 64-character ids stays near 75 KB). */
export const INDEX_SLICE_RIDERS = 1000;

/** Slices of the position index of a board of `totalRiders` (a rider's slice: writeShard of its racerId). */
export function indexSlices(totalRiders: number): number {
  return Math.max(1, Math.ceil(totalRiders / INDEX_SLICE_RIDERS));
}

/** The head of a race's published board: which copy holds it and its size. */
export interface LiveBoardHead {
  classId: number;
  raceId: number;
  /** The copy (0 or 1) whose items hold this board. */
  copy: number;
  /** The published snapshot's progress (core/livePublish.ts): the board's identity on its items. */
  progress: number;
  updatedAt: string;
  totalRiders: number;
  /** Riders of the top of the field within AppSync's 240 KB event (all of them for a smaller board). */
  topRiders: number;
  indexSlices: number;
}

/** A band entry as stored: [rank, racerId, name, output, second] and the fair-play flags when there are any. */
export type StoredEntry =
  | [number, string, string | null, number, number]
  | [number, string, string | null, number, number, FairPlayRule[]];

/** The head of a stored board item, or null for anything else (no item, a malformed one). */
export function boardHeadOf(item: unknown): LiveBoardHead | null {
  if (item === null || typeof item !== 'object') return null;
  const h = item as Record<string, unknown>;
  if (
    typeof h.classId !== 'number' ||
    typeof h.raceId !== 'number' ||
    typeof h.copy !== 'number' ||
    typeof h.progress !== 'number' ||
    typeof h.updatedAt !== 'string' ||
    typeof h.totalRiders !== 'number' ||
    typeof h.topRiders !== 'number' ||
    typeof h.indexSlices !== 'number'
  ) {
    return null;
  }
  return {
    classId: h.classId,
    raceId: h.raceId,
    copy: h.copy,
    progress: h.progress,
    updatedAt: h.updatedAt,
    totalRiders: h.totalRiders,
    topRiders: h.topRiders,
    indexSlices: h.indexSlices,
  };
}

/** The band numbers of `asked` that the board has, each once, in the order asked. */
export function storedBands(head: LiveBoardHead, asked: readonly number[]): number[] {
  const out: number[] = [];
  const count = bandCount(head.totalRiders);
  for (const b of asked) if (b >= 0 && b < count && out.indexOf(b) < 0) out.push(b);
  return out;
}

/** The sort keys of the first and last band of the top of the field (head.topRiders riders), and how many bands. */
export function topBandRange(head: LiveBoardHead): { PK: string; first: string; last: string; count: number } {
  const count = Math.max(1, Math.ceil(head.topRiders / BAND_SIZE));
  const first = liveBoardBandKey(head.classId, head.raceId, head.copy, 0);
  return {
    PK: first.PK,
    first: first.SK,
    last: liveBoardBandKey(head.classId, head.raceId, head.copy, count - 1).SK,
    count,
  };
}

/** The bands holding the rider at `position` and the riders just ahead and behind. */
export function bandsAround(head: LiveBoardHead, position: number): number[] {
  return storedBands(head, [
    bandOfPosition(Math.max(0, position - 1)),
    bandOfPosition(position),
    bandOfPosition(Math.min(head.totalRiders - 1, position + 1)),
  ]);
}

/** The key of the index slice that holds `racerId`. */
export function indexKeyOf(head: LiveBoardHead, racerId: string): { PK: string; SK: string } {
  return liveBoardIndexKey(head.classId, head.raceId, head.copy, writeShard(racerId, head.indexSlices));
}

/** The keys of bands of the board. */
export function bandKeysOf(head: LiveBoardHead, bands: readonly number[]): Array<{ PK: string; SK: string }> {
  const keys: Array<{ PK: string; SK: string }> = [];
  for (const b of bands) keys.push(liveBoardBandKey(head.classId, head.raceId, head.copy, b));
  return keys;
}

/** The 0-based position of `racerId` in an index slice item, -1 when the rider is not on the board. */
export function positionIn(item: unknown, racerId: string): number {
  if (item === null || typeof item !== 'object') return -1;
  const raw = (item as Record<string, unknown>).positions;
  if (typeof raw !== 'string') return -1;
  const positions = JSON.parse(raw) as Record<string, unknown>;
  const key = riderMapKey(racerId);
  if (!Object.hasOwn(positions, key)) return -1;
  const at = positions[key];
  return typeof at === 'number' ? at : -1;
}

/** A band item read back: its number, the progress of the board it belongs to, its entries. */
export interface StoredBand {
  band: number;
  progress: number;
  entries: LiveEntry[];
}

/** A band item's band, progress and entries (null for a missing or malformed item). */
export function storedBandOf(item: unknown): StoredBand | null {
  if (item === null || typeof item !== 'object') return null;
  const b = item as Record<string, unknown>;
  if (typeof b.band !== 'number' || typeof b.progress !== 'number' || typeof b.entries !== 'string') return null;
  const entries: LiveEntry[] = [];
  for (const t of JSON.parse(b.entries) as StoredEntry[]) {
    entries.push({
      rank: t[0],
      racerId: t[1],
      name: t[2],
      output: t[3],
      second: t[4],
      flags: t.length > 5 ? ((t as unknown[])[5] as FairPlayRule[]) : [],
    });
  }
  return { band: b.band, progress: b.progress, entries };
}
