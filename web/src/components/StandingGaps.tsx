/** Where a followed rider stands: rank of the field, and the gaps to the riders just ahead and behind. */
import type { LiveStanding } from '../data/types.js';
import { displayName, kj, ordinal } from '../lib/format.js';

/** "12th of 340". */
export function placeOf(standing: LiveStanding): string {
  return `${ordinal(standing.rank)} of ${standing.totalRiders}`;
}

export function StandingGaps({ standing }: { standing: LiveStanding }) {
  const { ahead, behind, gapAhead, gapBehind } = standing;
  return (
    <ul className="gaps" aria-label="Gaps">
      <li data-testid="gap-ahead">
        {gapAhead === null ? (
          standing.rank === 1 ? (
            <span className="gap-lead">Leading</span>
          ) : (
            <span className="muted">Gap ahead: next ranking</span>
          )
        ) : (
          <>
            <span className="gap-num">{kj(gapAhead)} kJ</span> behind{' '}
            {ahead ? `${displayName(ahead)} (${ordinal(ahead.rank)})` : 'the rider ahead'}
          </>
        )}
      </li>
      <li data-testid="gap-behind">
        {gapBehind === null ? (
          standing.rank >= standing.totalRiders ? (
            <span className="muted">Nobody behind</span>
          ) : (
            <span className="muted">Gap behind: next ranking</span>
          )
        ) : (
          <>
            <span className="gap-num">{kj(gapBehind)} kJ</span> ahead of{' '}
            {behind ? `${displayName(behind)} (${ordinal(behind.rank)})` : 'the rider behind'}
          </>
        )}
      </li>
    </ul>
  );
}
