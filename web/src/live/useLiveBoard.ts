/**
 * A class's live board as a viewer needs it: the top of the field and, when
 * the page follows a rider, that rider's band and standing (the SDK's
 * followLiveBoard: at most two bands subscribed, the first paint read before
 * the events). Every view also goes into the race's history, which the
 * charts draw.
 */
import { useEffect, useState } from 'react';
import type { Api } from '../data/Api.js';
import type { LiveRankings, LiveView } from '../data/types.js';
import { recordSnapshot } from './raceHistory.js';

export interface LiveBoardState {
  view: LiveView;
  /** True until the first paint was read. */
  loading: boolean;
  error: Error | null;
  /** Increases with every view (charts redraw on it: the history grows in place). */
  version: number;
}

const EMPTY: LiveView = { top: null, mine: null, standing: null };

/**
 * The riders a view shows of one window: the top band, plus the followed
 * rider's band when it is of the same publish (a band of another window
 * would put older outputs beside newer ones).
 */
export function viewSnapshot(view: LiveView): LiveRankings | null {
  const { top, mine } = view;
  if (!top) return null;
  const sameWindow = mine !== null && mine.band !== 0 && mine.raceId === top.raceId && mine.updatedAt === top.updatedAt;
  return {
    classId: top.classId,
    raceId: top.raceId,
    updatedAt: top.updatedAt,
    entries: sameWindow ? [...top.entries, ...mine.entries] : top.entries,
  };
}

export function useLiveBoard(
  api: Api,
  classId: number | undefined,
  racerId: string | null,
  raceSeconds: number,
): LiveBoardState {
  const [state, setState] = useState<LiveBoardState>({ view: EMPTY, loading: true, error: null, version: 0 });
  useEffect(() => {
    if (classId === undefined) return;
    let active = true;
    setState({ view: EMPTY, loading: true, error: null, version: 0 });
    const stop = api.followLiveBoard(classId, racerId, {
      next: (view) => {
        if (!active) return;
        const snapshot = viewSnapshot(view);
        if (snapshot) recordSnapshot(snapshot, raceSeconds);
        setState((prev) => ({ view, loading: false, error: null, version: prev.version + 1 }));
      },
      error: (err) => active && setState((prev) => ({ ...prev, loading: false, error: err })),
    });
    return () => {
      active = false;
      stop();
    };
  }, [api, classId, racerId, raceSeconds]);
  return state;
}
