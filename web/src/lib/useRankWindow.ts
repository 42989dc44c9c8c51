/**
 * A window onto a ranking that can start anywhere: at the top, or at a rider
 * (the API's `around`), and grow both ways — riders below through the page's
 * nextToken, riders above through its previousToken. The window never holds
 * a rider twice (while an all-time ranking changes, a page read later may
 * show a rider the window already has; the row already shown stays).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../data/types.js';
import { toError } from '../../../lib/toError.js';

export type WindowLoad = 'start' | 'above' | 'below' | null;

export interface RankWindow<T> {
  items: T[];
  /** What is being read now. */
  loading: WindowLoad;
  error: Error | null;
  /** The read that failed (where its error belongs). */
  failed: WindowLoad;
  /** Riders above the window / below it exist. */
  moreAbove: boolean;
  moreBelow: boolean;
  loadAbove(): void;
  loadBelow(): void;
  retry(): void;
}

interface Edges {
  above: string | null;
  below: string | null;
}

/**
 * `fetchPage(token, around)`: the first page with `around` (or from the top
 * when null), later pages by token. Starts again when `key` changes.
 */
export function useRankWindow<T extends { racerId: string }>(
  fetchPage: (token: string | null, around: string | null) => Promise<Page<T>>,
  key: string,
  around: string | null,
): RankWindow<T> {
  const [items, setItems] = useState<T[]>([]);
  const [edges, setEdges] = useState<Edges>({ above: null, below: null });
  const [loading, setLoading] = useState<WindowLoad>('start');
  const [error, setError] = useState<Error | null>(null);
  const [failed, setFailed] = useState<WindowLoad>(null);
  const generation = useRef(0);
  const fetcher = useRef(fetchPage);
  fetcher.current = fetchPage;

  const load = useCallback(
    (what: Exclude<WindowLoad, null>, token: string | null): void => {
      const gen = generation.current;
      setLoading(what);
      setError(null);
      fetcher.current(token, what === 'start' ? around : null).then(
        (page) => {
          if (gen !== generation.current) return;
          setItems((prev) => {
            if (what === 'start') return page.items;
            const held = new Set(prev.map((r) => r.racerId));
            const fresh = page.items.filter((r) => !held.has(r.racerId));
            return what === 'above' ? [...fresh, ...prev] : [...prev, ...fresh];
          });
          setEdges((prev) => ({
            above: what === 'below' ? prev.above : page.previousToken ?? null,
            below: what === 'above' ? prev.below : page.nextToken ?? null,
          }));
          setLoading(null);
          setFailed(null);
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          setError(toError(err));
          setFailed(what);
          setLoading(null);
        },
      );
    },
    [around],
  );

  useEffect(() => {
    generation.current += 1;
    setItems([]);
    setEdges({ above: null, below: null });
    load('start', null);
  }, [key, load]);

  return {
    items,
    loading,
    error,
    failed,
    moreAbove: edges.above !== null,
    moreBelow: edges.below !== null,
    loadAbove: () => {
      if (loading === null && edges.above) load('above', edges.above);
    },
    loadBelow: () => {
      if (loading === null && edges.below) load('below', edges.below);
    },
    retry: () => {
      if (failed === 'above') load('above', edges.above);
      else if (failed === 'below') load('below', edges.below);
      else load('start', null);
    },
  };
}
