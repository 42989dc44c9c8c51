/**
 * The items of a published board (core/liveBoardItems.ts reads them): one
 * item per band of 50 riders, the rider → position index in slices of about
 * INDEX_SLICE_RIDERS riders (a rider's slice: writeShard of its racerId), and
 * the head that names the copy holding them. Pure; liveBoardStore.ts writes them.
 */
import { transientExpiresAt } from '../../core/expiresAt.js';
import {
  ITEM_LIVE_BOARD,
  ITEM_LIVE_BOARD_BAND,
  ITEM_LIVE_BOARD_INDEX,
  liveBoardBandKey,
  liveBoardHeadKey,
  liveBoardIndexKey,
  riderMapKey,
  writeShard,
} from '../../core/keys.js';
import { BAND_SIZE, bandCount } from '../../core/liveBands.js';
import { indexSlices, type StoredEntry } from '../../core/liveBoardItems.js';
import type { LiveEntry } from '../../core/livePart.js';

function storedEntry(e: LiveEntry): StoredEntry {
  return e.flags.length === 0
    ? [e.rank, e.racerId, e.name, e.output, e.second]
    : [e.rank, e.racerId, e.name, e.output, e.second, e.flags];
}

/** The items of one published board, head last: bands and index slices must be stored before the head points at them. */
export interface LiveBoardItems {
  head: Record<string, unknown>;
  bands: Array<Record<string, unknown>>;
  index: Array<Record<string, unknown>>;
}

/** The items of `entries` (a ranked board, core/livePart.ts rankRiders) as copy `copy`. */
export function buildLiveBoardItems(
  board: { classId: number; raceId: number; updatedAt: string; entries: readonly LiveEntry[] },
  copy: number,
  progress: number,
  topRiders: number,
): LiveBoardItems {
  const { classId, raceId, updatedAt, entries } = board;
  const expiresAt = transientExpiresAt(Date.parse(updatedAt));
  const totalRiders = entries.length;
  const slices = indexSlices(totalRiders);
  const common = { classId, raceId, copy, progress, updatedAt, totalRiders, expiresAt };
  const bands: Array<Record<string, unknown>> = [];
  for (let b = 0; b < bandCount(totalRiders); b += 1) {
    const stored: StoredEntry[] = [];
    for (const e of entries.slice(b * BAND_SIZE, (b + 1) * BAND_SIZE)) stored.push(storedEntry(e));
    bands.push({
      ...liveBoardBandKey(classId, raceId, copy, b),
      itemType: ITEM_LIVE_BOARD_BAND,
      ...common,
      band: b,
      entries: JSON.stringify(stored),
    });
  }
  const positions: Array<Record<string, number>> = [];
  for (let n = 0; n < slices; n += 1) positions.push({});
  let at = 0;
  for (const e of entries) {
    (positions[writeShard(e.racerId, slices)] as Record<string, number>)[riderMapKey(e.racerId)] = at;
    at = at + 1;
  }
  const index: Array<Record<string, unknown>> = [];
  for (let n = 0; n < slices; n += 1) {
    index.push({
      ...liveBoardIndexKey(classId, raceId, copy, n),
      itemType: ITEM_LIVE_BOARD_INDEX,
      ...common,
      slice: n,
      positions: JSON.stringify(positions[n]),
    });
  }
  const head = {
    ...liveBoardHeadKey(classId, raceId),
    itemType: ITEM_LIVE_BOARD,
    ...common,
    topRiders,
    indexSlices: slices,
  };
  return { head, bands, index };
}
