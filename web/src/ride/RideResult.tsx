/** After the ride: wait for the race's results, then show mine, the podium and my curve against the winner. */
import { useEffect, useState } from 'react';
import { CurveVsWinner } from '../components/CurveVsWinner.js';
import { Podium } from '../components/Podium.js';
import { RaceName } from '../components/RaceName.js';
import { ErrorBox } from '../components/StateViews.js';
import { useApp } from '../data/ApiContext.js';
import { findResult, type RiderResult } from '../data/findResult.js';
import type { Race } from '../data/types.js';
import { displayName, kj, ordinal } from '../lib/format.js';
import { Link } from '../lib/Link.js';
import { toError } from '../../../lib/toError.js';
import type { RideSession } from './RideSession.js';

const POLL_MS = 2000;
/**
 * How long to keep asking after a result without the final record shows up:
 * the race may close (grace period over) a moment before the final record has
 * made it through the stream; the final record then replaces the result.
 */
const FINAL_WAIT_MS = 90_000;

export function RideResult({
  session,
  output,
  onLeave,
}: {
  session: RideSession;
  output: number;
  onLeave: () => void;
}) {
  const { api } = useApp();
  const [race, setRace] = useState<Race | null>(null);
  const [result, setResult] = useState<RiderResult | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let provisionalSince: number | undefined;
    const poll = async (): Promise<void> => {
      try {
        const r = await api.race(session.classId, session.raceId);
        if (!active) return;
        setRace(r);
        setError(null);
        // competitors is null until the finalizer has written every result.
        if (r.status === 'FINISHED' && r.competitors !== null && r.competitors !== undefined) {
          const found = await findResult(api, session.classId, session.raceId, session.racerId);
          if (!active) return;
          if (found.mine) {
            setResult(found);
            provisionalSince ??= Date.now();
            if (found.mine.finished || Date.now() - provisionalSince > FINAL_WAIT_MS) return;
          }
        }
      } catch (err) {
        if (active) setError(toError(err));
      }
      if (active) timer = setTimeout(() => void poll(), POLL_MS);
    };
    // poll catches its own errors and shows them, so nothing is left to await here.
    void poll();
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
    };
  }, [api, session]);

  const mine = result?.mine;
  const winner = result?.podium[0];
  return (
    <section className="ride-result" aria-labelledby="ride-result-title">
      <div className="race-card">
        <h2 id="ride-result-title" data-race-id={session.raceId}>
          The race of <RaceName classId={session.classId} raceId={session.raceId} withClass={false} /> is over
        </h2>
        {mine ? (
          <div>
            <p className="big-result" data-testid="ride-result" data-final={mine.finished ? 'true' : 'false'}>
              You finished <strong>{ordinal(mine.rank)}</strong>
              {race?.competitors ? ` of ${race.competitors}` : ''} with <strong>{kj(mine.output)} kJ</strong>.
            </p>
            {!mine.finished && (
              <p className="muted small" role="status">
                Provisional: taken from your last live data while your final record is on its way.
              </p>
            )}
          </div>
        ) : (
          <p className="big-result muted" role="status" aria-live="polite">
            You rode {kj(output)} kJ. Waiting for the final results…
          </p>
        )}
        {error && <ErrorBox error={error} what="the result (retrying)" />}
      </div>
      {result && result.podium.length > 0 && <Podium results={result.podium} />}
      {mine && winner && (
        <div className="panel">
          <CurveVsWinner
            classId={session.classId}
            raceId={session.raceId}
            racerId={session.racerId}
            racerName={session.name}
            winnerId={winner.racerId}
            winnerName={displayName(winner)}
          />
        </div>
      )}
      <div className="actions">
        <Link className="btn" href={`/results/${session.classId}/${session.raceId}`}>
          Full results
        </Link>
        <button type="button" className="btn primary" onClick={onLeave}>
          Ride again
        </button>
      </div>
    </section>
  );
}
