/** A paginated list (by nextToken): first page on key change, "load more" appends. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../data/types.js';
import { toError } from '../../../lib/toError.js';

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: Error | null;
  /** True when another page exists. */
  more: boolean;
  loadMore(): void;
  retry(): void;
}

export function usePaged<T>(fetchPage: (nextToken: string | null) => Promise<Page<T>>, key: string): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [token, setToken] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | null>(null);
  const generation = useRef(0);
  const fetcher = useRef(fetchPage);
  fetcher.current = fetchPage;

  const load = useCallback((from: string | null, append: boolean): void => {
    const gen = generation.current;
    setLoading(true);
    setError(null);
    fetcher.current(from).then(
      (page) => {
        if (gen !== generation.current) return;
        setItems((prev) => (append ? [...prev, ...page.items] : page.items));
        setToken(page.nextToken ?? null);
        setMore(Boolean(page.nextToken));
        setLoading(false);
      },
      (err: unknown) => {
        if (gen !== generation.current) return;
        setError(toError(err));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    generation.current += 1;
    setItems([]);
    setToken(null);
    setMore(false);
    load(null, false);
  }, [key, load]);

  return {
    items,
    loading,
    error,
    more,
    loadMore: () => {
      if (!loading && token) load(token, true);
    },
    retry: () => load(items.length > 0 ? token : null, items.length > 0),
  };
}
