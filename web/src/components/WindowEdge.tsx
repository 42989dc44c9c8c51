/** An edge of a ranking window: load the riders above or below it, loading, or an error with retry. */
import { isAroundRefused } from '../data/findResult.js';
import type { RankWindow } from '../lib/useRankWindow.js';
import { ErrorBox } from './StateViews.js';

export function WindowEdge<T>({ list, edge, what }: { list: RankWindow<T>; edge: 'above' | 'below'; what: string }) {
  const failedHere = list.failed === edge || (edge === 'below' && list.failed === 'start');
  // A start refused for its rider is said by the page, not as a failure to retry.
  if (list.error && failedHere && !(list.failed === 'start' && isAroundRefused(list.error))) {
    return <ErrorBox error={list.error} what={what} retry={list.retry} />;
  }
  const more = edge === 'above' ? list.moreAbove : list.moreBelow;
  if (!more) return null;
  return (
    <div className={`load-more ${edge}`}>
      <button
        type="button"
        className="btn"
        onClick={edge === 'above' ? list.loadAbove : list.loadBelow}
        disabled={list.loading !== null}
      >
        {list.loading === edge ? 'Loading…' : edge === 'above' ? `Show ${what} above` : `Show ${what} below`}
      </button>
    </div>
  );
}
