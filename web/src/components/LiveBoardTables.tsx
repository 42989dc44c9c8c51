/**
 * A live board as a viewer gets it: the top of the field (band 0) and, when
 * the followed rider is further down, their band (50 positions around
 * them), kept scrolled to them as they move. Says how many riders
 * are in neither.
 */
import { useEffect, useImperativeHandle, useRef, type Ref } from 'react';
import type { LiveBand } from '../data/types.js';
import { RankingTable, type RankingTableHandle } from './RankingTable.js';

export interface LiveBoardTablesHandle {
  /** Scrolls the followed rider's table to them and brings it into view. */
  scrollToFollowed(): void;
}

export interface LiveBoardTablesProps {
  top: LiveBand;
  /** The followed rider's band when it is of the same race as `top`. */
  mine: LiveBand | null;
  followId: string | null;
  /** The followed rider is the viewer ("you"); someone else's row gets a star. */
  followingMe: boolean;
  /** Label of the top table (the page's name for this race's ranking). */
  label: string;
  raceId: number;
  topHeight: number;
  bandHeight: number;
  showMovement?: boolean;
  secondLabel?: string;
  ref?: Ref<LiveBoardTablesHandle>;
}

const positions = (band: LiveBand): string => {
  const first = band.entries[0]?.rank ?? band.band * 50 + 1;
  const last = band.entries[band.entries.length - 1]?.rank ?? first;
  return `${first}–${last}`;
};

export function LiveBoardTables(props: LiveBoardTablesProps) {
  const { top, mine, followId, followingMe, label, raceId, topHeight, bandHeight, showMovement, secondLabel } = props;
  const badge = followingMe ? { meBadge: 'you' } : { meBadge: '★', meBadgeLabel: 'followed' };
  const whom = followingMe ? 'you' : 'the rider you follow';
  const topTable = useRef<RankingTableHandle>(null);
  const bandTable = useRef<RankingTableHandle>(null);
  const bandBox = useRef<HTMLDivElement>(null);
  const own = mine && mine.band > 0 && mine.raceId === top.raceId ? mine : null;
  const inTop = followId !== null && top.entries.some((e) => e.racerId === followId);
  const shown = top.entries.length + (own?.entries.length ?? 0);
  const rest = Math.max(0, top.totalRiders - shown);

  useImperativeHandle(
    props.ref,
    () => ({
      scrollToFollowed() {
        if (!followId) return;
        if (own) {
          bandTable.current?.scrollToRacer(followId);
          bandBox.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
        } else if (inTop) topTable.current?.scrollToRacer(followId);
      },
    }),
    [followId, own, inTop],
  );

  // The band's table keeps the followed rider in the middle as they move in it or into another band.
  const ownBand = own?.band;
  const ownAt = followId && own ? own.entries.findIndex((e) => e.racerId === followId) : -1;
  useEffect(() => {
    if (ownBand !== undefined && ownAt >= 0 && followId) bandTable.current?.scrollToRacer(followId);
  }, [ownBand, ownAt, followId]);

  return (
    <div className="board-tables">
      <RankingTable
        ref={topTable}
        rows={top.entries}
        raceId={raceId}
        label={label}
        meId={followId}
        {...badge}
        height={topHeight}
        showMovement={showMovement}
        secondLabel={secondLabel}
      />
      {own && (
        <div className="own-band" ref={bandBox} data-testid="own-band" data-band={own.band}>
          <h4 className="band-title">
            Around {whom} <span className="muted">· places {positions(own)}</span>
          </h4>
          <RankingTable
            ref={bandTable}
            rows={own.entries}
            raceId={raceId}
            label={`Around ${followingMe ? 'you' : followId ?? ''}: places ${positions(own)}`}
            meId={followId}
            {...badge}
            height={bandHeight}
            showMovement={showMovement}
            secondLabel={secondLabel}
          />
        </div>
      )}
      {rest > 0 && (
        <p className="muted small board-rest" data-testid="board-rest">
          {own
            ? `${top.totalRiders} riders in all: the top ${top.entries.length} and the ${own.entries.length} around ${whom} are shown.`
            : `${top.totalRiders} riders in all: the top ${top.entries.length} are shown. Follow a rider to see the riders around them.`}
        </p>
      )}
    </div>
  );
}
