/** The end of a paginated list: load more, loading, or an error with retry. */
import type { Paged } from '../lib/usePaged.js';
import { ErrorBox } from './StateViews.js';

export function LoadMore<T>({ list, what }: { list: Paged<T>; what: string }) {
  if (list.error) return <ErrorBox error={list.error} what={what} retry={list.retry} />;
  if (!list.more) return null;
  return (
    <div className="load-more">
      <button type="button" className="btn" onClick={list.loadMore} disabled={list.loading}>
        {list.loading ? 'Loading…' : `Load more ${what}`}
      </button>
    </div>
  );
}
