/** The first three of a race. */
import type { RaceResult } from '../data/types.js';
import { displayName, kj } from '../lib/format.js';
import { Link } from '../lib/Link.js';

export function Podium({ results }: { results: readonly RaceResult[] }) {
  const top = results.slice(0, 3);
  return (
    <ol className="podium" aria-label="Podium">
      {top.map((r, i) => (
        <li key={r.racerId} className={`step step-${i + 1}`}>
          <span className="medal" aria-hidden="true">
            {r.rank}
          </span>
          <span className="sr-only">Rank {r.rank}:</span>
          <Link href={`/racer/${encodeURIComponent(r.racerId)}`} className="podium-name">
            {displayName(r)}
          </Link>
          <span className="podium-output">{kj(r.output)} kJ</span>
        </li>
      ))}
    </ol>
  );
}
