/** The class catalog, fetched once per page load and shared by every page. */
import { useEffect, useState } from 'react';
import type { Api } from './Api.js';
import type { RaceClass } from './types.js';
import { toError } from '../../../lib/toError.js';
import type { AsyncState } from '../lib/useAsync.js';

const cache = new WeakMap<Api, Promise<RaceClass[]>>();

export function useClasses(api: Api): AsyncState<RaceClass[]> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<RaceClass[]>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let active = true;
    let p = cache.get(api);
    if (!p) {
      p = api.raceClasses();
      cache.set(api, p);
      // A failed load is not cached: the next attempt asks again.
      p.catch(() => cache.delete(api));
    }
    p.then(
      (data) => active && setState({ status: 'ready', data }),
      (err: unknown) => active && setState({ status: 'error', error: toError(err) }),
    );
    return () => {
      active = false;
    };
  }, [api, attempt]);
  return { ...state, reload: () => setAttempt((n) => n + 1) };
}

/** The class to show: the one asked for, else the first of the catalog. */
export function pickClass(classes: readonly RaceClass[], wanted: number | undefined): RaceClass | undefined {
  return classes.find((c) => c.classId === wanted) ?? classes[0];
}
