/**
 * Live boards in bands: band b holds the riders at positions 50b+1 … 50b+50
 * of the ranking order (output descending, then racerId ascending). Entries
 * keep the rank of the whole ranking, so riders tied across a band's edge
 * share one rank. A viewer subscribes to the top band and their own, so one
 * window costs them two small events instead of the whole field.
 *
 * A band event is meant to be one AppSync metered message (5 KB): the
 * publisher fits each band to that budget (functions/aggregator/fitBand.ts).
 *
 * APPSYNC_JS-safe (the liveBoard and liveRider resolvers band the ranking):
 * loops, no classes, no regex literals.
 */
import type { LiveEntry } from './livePart.js';

/** Riders per band. */
export const BAND_SIZE = 50;

/** Bands one subscription or query may ask for (AppSync's enhanced filters take at most 5 values in `in`). */
export const MAX_BANDS_PER_REQUEST = 5;

/** A rider of a band event. */
export interface LiveBandEntry {
  rank: number;
  racerId: string;
  name: string | null;
  output: number;
  second: number;
}

/** One band of a class's live board. */
export interface LiveBand {
  classId: number;
  raceId: number;
  updatedAt: string;
  band: number;
  totalRiders: number;
  entries: LiveBandEntry[];
}

/** The band of a 0-based position in the ranking order. */
export function bandOfPosition(position: number): number {
  return Math.floor(position / BAND_SIZE);
}

/** Number of bands a ranking of `totalRiders` has (at least one, possibly empty). */
export function bandCount(totalRiders: number): number {
  return totalRiders === 0 ? 1 : Math.ceil(totalRiders / BAND_SIZE);
}

/** The entry of a band event (flags are not part of bands). */
export function bandEntry(e: LiveEntry): LiveBandEntry {
  return { rank: e.rank, racerId: e.racerId, name: e.name, output: e.output, second: e.second };
}

/** Band `band` of a ranked board (entries in ranking order, as core/livePart.ts rankRiders returns them). */
export function sliceBand(
  ranked: readonly LiveEntry[],
  band: number,
  meta: { classId: number; raceId: number; updatedAt: string },
): LiveBand {
  const entries: LiveBandEntry[] = [];
  for (const e of ranked.slice(band * BAND_SIZE, (band + 1) * BAND_SIZE)) entries.push(bandEntry(e));
  return { ...meta, band, totalRiders: ranked.length, entries };
}

/** Every band of a ranked board, band 0 first (one empty band for an empty board). */
export function toBands(
  ranked: readonly LiveEntry[],
  meta: { classId: number; raceId: number; updatedAt: string },
): LiveBand[] {
  const out: LiveBand[] = [{ ...meta, band: 0, totalRiders: ranked.length, entries: [] }];
  for (const e of ranked) {
    let last = out[out.length - 1] as LiveBand;
    if (last.entries.length === BAND_SIZE) {
      last = { ...meta, band: out.length, totalRiders: ranked.length, entries: [] };
      out.push(last);
    }
    last.entries.push(bandEntry(e));
  }
  return out;
}

/** Where a rider stands on a ranked board, and the gaps to the riders just ahead and behind. */
export interface LiveRiderStanding {
  classId: number;
  raceId: number;
  updatedAt: string;
  racerId: string;
  rank: number;
  band: number;
  totalRiders: number;
  output: number;
  second: number;
  /** Output the rider ahead has more (kJ), null for the leader. */
  gapAhead: number | null;
  /** Output this rider has more than the one behind (kJ), null for the last. */
  gapBehind: number | null;
  ahead: LiveBandEntry | null;
  behind: LiveBandEntry | null;
}

/**
 * The rider's standing on a ranked board, or null when the rider is not on it.
 * `ranked` may be a run of the board's consecutive positions starting at
 * `firstPosition`, of a board of `totalRiders` (the bands around the rider).
 */
export function standingOf(
  ranked: readonly LiveEntry[],
  racerId: string,
  meta: { classId: number; raceId: number; updatedAt: string },
  firstPosition = 0,
  totalRiders = ranked.length,
): LiveRiderStanding | null {
  let at = -1;
  let i = 0;
  for (const e of ranked) {
    if (at < 0 && e.racerId === racerId) at = i;
    i = i + 1;
  }
  if (at < 0) return null;
  const me = ranked[at] as LiveEntry;
  const ahead = at > 0 ? (ranked[at - 1] as LiveEntry) : null;
  const behind = at + 1 < ranked.length ? (ranked[at + 1] as LiveEntry) : null;
  return {
    ...meta,
    racerId,
    rank: me.rank,
    band: bandOfPosition(firstPosition + at),
    totalRiders,
    output: me.output,
    second: me.second,
    gapAhead: ahead === null ? null : roundKj(ahead.output - me.output),
    gapBehind: behind === null ? null : roundKj(me.output - behind.output),
    ahead: ahead === null ? null : bandEntry(ahead),
    behind: behind === null ? null : bandEntry(behind),
  };
}

/** Output differences at the milli-kJ precision of the ranking. */
function roundKj(kj: number): number {
  return Math.round(kj * 1000) / 1000;
}
