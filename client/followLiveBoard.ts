/**
 * "Top of the field + around me": a viewer's live board at two metered
 * messages a window. Subscribes to onLiveBoard for band 0 (the top of the
 * field) and the rider's own band, paints first from liveBoard, and follows
 * the rider's band as their rank moves: when the rider leaves the band they
 * were in, liveRider says which band they are in now and the subscription
 * moves there. The gaps to the riders just ahead and behind come from the
 * rider's band; at a band's edge (the neighbour is in the next band) from
 * liveRider. Without a rider (a spectator) it follows the top of the field
 * alone. An event older than the band already held (the first paint's
 * answer can arrive after the first event) is ignored.
 */
import type { AlleycatClient } from './createClient.js';
import type { LiveBandFieldsFragment, LiveRiderQuery } from './generated/operations.js';
import { LiveBoardDocument, LiveRiderDocument, OnLiveBoardDocument } from './generated/operations.js';

type Band = LiveBandFieldsFragment;
type Entry = Band['entries'][number];

/** A neighbour of the followed rider. */
export interface AroundMeNeighbour {
  rank: number;
  racerId: string;
  name?: string | null;
  output: number;
}

/** Where the followed rider stands, as the bands show it. */
export interface AroundMeStanding {
  /** The race this standing is of (a new race starts without the rider until they ride it). */
  raceId: number;
  rank: number;
  band: number;
  totalRiders: number;
  output: number;
  /** kJ the rider just ahead has more; null for the leader (or not known yet). */
  gapAhead: number | null;
  /** kJ more than the rider just behind; null for the last (or not known yet). */
  gapBehind: number | null;
  /** The rider just ahead and just behind (null when there is none or it is not known yet). */
  ahead: AroundMeNeighbour | null;
  behind: AroundMeNeighbour | null;
}

/** What a viewer shows: the top band, the rider's band and their standing (null until the rider is on the board). */
export interface AroundMeView {
  top: Band | null;
  mine: Band | null;
  standing: AroundMeStanding | null;
}

export interface FollowOptions {
  classId: number;
  /** The rider to follow; null follows the top of the field only. */
  racerId: string | null;
  onUpdate(view: AroundMeView): void;
  onError?(error: Error): void;
}

const round = (kj: number): number => Math.round(kj * 1000) / 1000;

function standingIn(band: Band, racerId: string): AroundMeStanding | null {
  const at = band.entries.findIndex((e) => e.racerId === racerId);
  if (at < 0) return null;
  const me = band.entries[at] as Entry;
  const ahead = band.entries[at - 1];
  const behind = band.entries[at + 1];
  return {
    raceId: band.raceId,
    rank: me.rank,
    band: band.band,
    totalRiders: band.totalRiders,
    output: me.output,
    gapAhead: ahead === undefined ? null : round(ahead.output - me.output),
    gapBehind: behind === undefined ? null : round(me.output - behind.output),
    ahead: ahead ?? null,
    behind: behind ?? null,
  };
}

/** Whether a band event is older than the one held (an earlier race, or the same race published earlier). */
function older(b: Band, held: Band | null): boolean {
  if (!held || held.band !== b.band) return false;
  if (b.raceId !== held.raceId) return b.raceId < held.raceId;
  return Date.parse(b.updatedAt) < Date.parse(held.updatedAt);
}

function fromRider(r: NonNullable<LiveRiderQuery['liveRider']>): AroundMeStanding {
  return {
    raceId: r.raceId,
    rank: r.rank,
    band: r.band,
    totalRiders: r.totalRiders,
    output: r.output,
    gapAhead: r.gapAhead ?? null,
    gapBehind: r.gapBehind ?? null,
    ahead: r.ahead ?? null,
    behind: r.behind ?? null,
  };
}

/** Follows a rider's neighbourhood and the top of the field; returns the stop function. */
export function followLiveBoard(client: AlleycatClient, opts: FollowOptions): () => void {
  const view: AroundMeView = { top: null, mine: null, standing: null };
  let band = 0;
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  let locating = false;
  const fail = (error: unknown): void => opts.onError?.(error instanceof Error ? error : new Error(String(error)));

  const emit = (): void => {
    if (!stopped) opts.onUpdate({ ...view });
  };

  /** Puts a band's event in the view and works out the standing. */
  const take = (b: Band): void => {
    if (b.band === 0) {
      if (older(b, view.top)) return;
      view.top = b;
    }
    if (b.band !== band) {
      // A new race began and the rider's band has not spoken in it: where are they now (if they ride it)?
      if (b.band === 0 && (view.mine === null || view.mine.raceId < b.raceId)) void locate();
      return emit();
    }
    if (older(b, view.mine)) return;
    view.mine = b;
    if (opts.racerId === null) return emit();
    const standing = standingIn(b, opts.racerId);
    if (standing === null) return void locate();
    view.standing = standing;
    emit();
    // At a band's edge the neighbour is in the next band: liveRider knows the gap.
    const at = b.entries.findIndex((e) => e.racerId === opts.racerId);
    const atEdge = (at === 0 && band > 0) || (at === b.entries.length - 1 && standing.rank < b.totalRiders);
    if (atEdge) void locate();
  };

  const subscribe = (): void => {
    unsubscribe?.();
    const bands = band === 0 ? [0] : [0, band];
    unsubscribe = client.subscribe(
      OnLiveBoardDocument,
      { classId: opts.classId, bands },
      { next: (v) => v.onLiveBoard && take(v.onLiveBoard), error: fail },
    );
  };

  /** Asks liveRider where the rider is, and moves the subscription to their band. */
  const locate = async (): Promise<void> => {
    const racerId = opts.racerId;
    if (locating || stopped || racerId === null) return;
    locating = true;
    try {
      const { liveRider } = await client.query(LiveRiderDocument, { classId: opts.classId, racerId });
      if (stopped) return;
      const next = liveRider?.band ?? 0;
      view.standing = liveRider ? fromRider(liveRider) : null;
      if (next !== band) {
        band = next;
        view.mine = null;
        subscribe();
        const { liveBoard } = await client.query(LiveBoardDocument, { classId: opts.classId, bands: [band] });
        if (!stopped) for (const b of liveBoard) if (b.band === band && !older(b, view.mine)) view.mine = b;
      }
      emit();
    } catch (error) {
      fail(error);
    } finally {
      locating = false;
    }
  };

  /** Where the rider is, for the first subscription (band 0 if they are not on the board, or the read fails). */
  const firstBand = async (racerId: string | null): Promise<number> => {
    if (racerId === null) return 0;
    try {
      const { liveRider } = await client.query(LiveRiderDocument, { classId: opts.classId, racerId });
      if (liveRider) view.standing = fromRider(liveRider);
      return liveRider?.band ?? 0;
    } catch (error) {
      fail(error);
      return 0;
    }
  };

  // A failed first read still subscribes: the next window's events repaint the view.
  const start = async (): Promise<void> => {
    band = await firstBand(opts.racerId);
    if (stopped) return;
    subscribe();
    try {
      const bands = band === 0 ? [0] : [0, band];
      const { liveBoard } = await client.query(LiveBoardDocument, { classId: opts.classId, bands });
      if (stopped) return;
      for (const b of liveBoard) {
        if (b.band === 0 && !older(b, view.top)) view.top = b;
        if (b.band === band && !older(b, view.mine)) view.mine = b;
      }
      emit();
    } catch (error) {
      fail(error);
    }
  };
  void start();
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}
