/**
 * A ranking of any length: virtualized rows (only what is on screen is in the
 * DOM) keyed by rider, each placed with a transform, so when a rider's rank
 * changes the same row glides to its new place (FLIP done by the compositor:
 * the row's transform changes and a CSS transition animates it).
 */
import { useImperativeHandle, useRef, type Ref } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { displayName, kj } from '../lib/format.js';
import { Link } from '../lib/Link.js';

export interface RankRow {
  rank: number;
  racerId: string;
  name?: string | null;
  output: number;
  /** Newest race second seen (live rankings). */
  second?: number;
  /** Final record arrived (results). */
  finished?: boolean;
  /** Fair-play rules the rider broke. */
  flags?: readonly string[];
}

export interface RankingTableHandle {
  /** Scrolls so that this rider's row is in the middle. */
  scrollToRacer(racerId: string): void;
}

export interface RankingTableProps {
  rows: readonly RankRow[];
  label: string;
  meId?: string | null;
  /** The badge on that rider's row (default "you") and what it says to a screen reader, if not its text. */
  meBadge?: string;
  meBadgeLabel?: string;
  /** Height of the scrolling viewport in px. */
  height?: number;
  /** Show each rider's rank change since the previous rows. */
  showMovement?: boolean;
  /** Column heading of the last column. */
  secondLabel?: string;
  /** The race the rows are of (a data attribute, for tools and tests). */
  raceId?: number;
  ref?: Ref<RankingTableHandle>;
}

export const ROW_HEIGHT = 44;

/** Rank change per rider between two row sets (positive = moved up). */
export function rankMovement(previous: ReadonlyMap<string, number>, rows: readonly RankRow[]): Map<string, number> {
  const moves = new Map<string, number>();
  for (const r of rows) {
    const before = previous.get(r.racerId);
    if (before !== undefined && before !== r.rank) moves.set(r.racerId, before - r.rank);
  }
  return moves;
}

/** Length of an output bar, 0.12..1 of the cell: the slowest rider short, the leader full. */
export function barShare(output: number, worst: number, best: number): number {
  if (!(best > 0)) return 0;
  if (best - worst < 1e-9) return 1;
  return 0.12 + (0.88 * (output - worst)) / (best - worst);
}

export function RankingTable(props: RankingTableProps) {
  const {
    rows,
    label,
    meId,
    meBadge = 'you',
    meBadgeLabel,
    height = 520,
    showMovement = false,
    secondLabel,
    raceId,
  } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  // Movement is relative to the previous rows this table showed; cached per
  // rows identity so a repeated render (StrictMode) shows the same arrows.
  const memo = useRef<{ rows: readonly RankRow[]; ranks: Map<string, number>; moves: Map<string, number> }>({
    rows: [],
    ranks: new Map(),
    moves: new Map(),
  });
  if (memo.current.rows !== rows) {
    const moved = rankMovement(memo.current.ranks, rows);
    memo.current = { rows, ranks: new Map(rows.map((r) => [r.racerId, r.rank])), moves: moved };
  }
  const moves = memo.current.moves;
  // Bars span the field from the slowest to the fastest rider, so small gaps stay visible.
  let best = 0;
  let worst = Number.POSITIVE_INFINITY;
  for (const r of rows) {
    best = Math.max(best, r.output);
    worst = Math.min(worst, r.output);
  }

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => rows[i]?.racerId ?? i,
    overscan: 10,
    initialRect: { width: 720, height },
  });

  useImperativeHandle(
    props.ref,
    () => ({
      scrollToRacer(racerId: string) {
        const index = rows.findIndex((r) => r.racerId === racerId);
        if (index >= 0) virtualizer.scrollToIndex(index, { align: 'center' });
      },
    }),
    [rows, virtualizer],
  );

  const viewport = Math.min(height, Math.max(rows.length, 1) * ROW_HEIGHT);
  return (
    <div className="ranking" role="table" aria-label={label} aria-rowcount={rows.length + 1} data-race-id={raceId}>
      <div className="ranking-row ranking-head" role="row" aria-rowindex={1}>
        <span role="columnheader" className="c-rank">
          Rank
        </span>
        <span role="columnheader" className="c-name">
          Rider
        </span>
        <span role="columnheader" className="c-output">
          Output (kJ)
        </span>
        {secondLabel && (
          <span role="columnheader" className="c-second">
            {secondLabel}
          </span>
        )}
      </div>
      <div
        ref={scrollRef}
        className="ranking-scroll"
        style={{ height: viewport }}
        tabIndex={0}
        aria-label={`${label}, scrollable`}
      >
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const mine = meId !== undefined && meId !== null && row.racerId === meId;
            const move = showMovement ? moves.get(row.racerId) : undefined;
            const share = barShare(row.output, worst, best);
            return (
              <div
                key={row.racerId}
                role="row"
                aria-rowindex={item.index + 2}
                aria-current={mine ? 'true' : undefined}
                className={`ranking-row${mine ? ' me' : ''}${row.rank <= 3 ? ` podium-${row.rank}` : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                data-racer={row.racerId}
              >
                <span role="cell" className="c-rank">
                  <span className="rank-num">{row.rank}</span>
                  {move !== undefined && (
                    <span
                      className={move > 0 ? 'move up' : 'move down'}
                      aria-label={move > 0 ? `up ${move}` : `down ${-move}`}
                    >
                      {move > 0 ? '▲' : '▼'}
                      {Math.abs(move)}
                    </span>
                  )}
                </span>
                <span role="cell" className="c-name">
                  <Link href={`/racer/${encodeURIComponent(row.racerId)}`} className="rider-link">
                    {displayName(row)}
                  </Link>
                  {mine && (
                    <span className="you-badge" aria-label={meBadgeLabel} title={meBadgeLabel}>
                      {meBadge}
                    </span>
                  )}
                  {row.flags && row.flags.length > 0 && (
                    <span
                      className="flag"
                      data-testid="fair-play-flag"
                      title={`Broke a fair-play rule (${row.flags.join(', ')}): kept out of all-time rankings`}
                    >
                      flagged
                    </span>
                  )}
                  {row.finished === false && (
                    <span className="dnf" title="No final record: result taken from the last live data">
                      dnf
                    </span>
                  )}
                </span>
                <span role="cell" className="c-output">
                  <span className="bar" style={{ transform: `scaleX(${share})` }} aria-hidden="true" />
                  <span className="num">{kj(row.output)}</span>
                </span>
                {secondLabel && (
                  <span role="cell" className="c-second">
                    {row.second ?? ''}
                  </span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
