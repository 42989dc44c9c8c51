/**
 * The live ranking of a class: the `liveRankings` query for the first paint,
 * then every `onLiveRankings` event. The subscription starts first so nothing
 * published between the two is missed; whichever is newer wins.
 */
import { useEffect, useState } from 'react';
import type { Api } from '../data/Api.js';
import type { LiveRankings } from '../data/types.js';
import { toError } from '../../../lib/toError.js';
import { isNewer } from './newerSnapshot.js';
import { recordSnapshot } from './raceHistory.js';

export interface LiveState {
  /** Latest snapshot of the class (possibly of a race that has ended). */
  snapshot: LiveRankings | null;
  /** True until the initial query answered. */
  loading: boolean;
  error: Error | null;
  /** Increases with every accepted snapshot (charts redraw on it). */
  version: number;
}

export function useLiveRankings(api: Api, classId: number | undefined, raceSeconds: number): LiveState {
  const [state, setState] = useState<LiveState>({ snapshot: null, loading: true, error: null, version: 0 });
  useEffect(() => {
    if (classId === undefined) return;
    let active = true;
    setState({ snapshot: null, loading: true, error: null, version: 0 });
    const accept = (s: LiveRankings | null, fromQuery: boolean): void => {
      if (!active) return;
      if (s) recordSnapshot(s, raceSeconds);
      setState((prev) => {
        const take = s !== null && s.classId === classId && isNewer(s, prev.snapshot);
        return {
          snapshot: take ? s : prev.snapshot,
          loading: fromQuery ? false : prev.loading,
          error: take ? null : prev.error,
          version: take ? prev.version + 1 : prev.version,
        };
      });
    };
    const unsubscribe = api.onLiveRankings(classId, {
      next: (s) => accept(s, false),
      error: (err) => active && setState((prev) => ({ ...prev, error: err })),
    });
    api.liveRankings(classId).then(
      (s) => accept(s, true),
      (err: unknown) => active && setState((prev) => ({ ...prev, loading: false, error: toError(err) })),
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [api, classId, raceSeconds]);
  return state;
}
