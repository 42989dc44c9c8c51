/** The ride itself: the bike ticks every second, effort by slider or arrow keys. */
import { useEffect, useRef, useState } from 'react';
import { raceEndMillis, raceStartMillis } from '../../../core/raceClock.js';
import type { RiderAuth } from '../auth/riderAuth.js';
import { RaceClock } from '../components/RaceClock.js';
import { RaceName } from '../components/RaceName.js';
import { useApp } from '../data/ApiContext.js';
import { LiveBoardTables } from '../components/LiveBoardTables.js';
import { placeOf, StandingGaps } from '../components/StandingGaps.js';
import { clock, kj, ordinal } from '../lib/format.js';
import { useNow } from '../lib/useNow.js';
import { recordOwnPoint } from '../live/raceHistory.js';
import { useLiveBoard } from '../live/useLiveBoard.js';
import { clampEffort, powerFromEffort, startRide, tick, type RideState } from './rideModel.js';
import { RideResult } from './RideResult.js';
import type { RideSession } from './RideSession.js';
import { useTelemetrySender } from './useTelemetrySender.js';

/** Arrow keys change effort by this much (the slider itself moves by 1). */
const KEY_STEP = 5;

export function Riding({ session, auth, onLeave }: { session: RideSession; auth: RiderAuth; onLeave: () => void }) {
  const { api, config } = useApp();
  const now = useNow(200);
  const [effort, setEffort] = useState(50);
  const effortRef = useRef(effort);
  effortRef.current = effort;
  const bike = useRef<RideState>(startRide({ ...session, raceSeconds: config.raceSeconds }));
  const [view, setView] = useState<RideState>(bike.current);
  const { send, flush, idle, status } = useTelemetrySender(api, auth);
  const live = useLiveBoard(api, session.classId, session.racerId, config.raceSeconds);
  const [flushed, setFlushed] = useState(false);
  // Stopping mid-race leaves the rider without a final record (a DNF): asked first.
  const [confirmStop, setConfirmStop] = useState(false);

  const startsAt = raceStartMillis(session.raceId, config.raceSeconds);
  const endsAt = raceEndMillis(session.raceId, config.raceSeconds);

  // The bike: one record per race second, the final one when the race ends.
  useEffect(() => {
    if (now < startsAt) return;
    const { state, record } = tick(bike.current, now, effortRef.current);
    if (record) {
      bike.current = state;
      setView(state);
      recordOwnPoint(session.classId, session.raceId, session.racerId, record.second, record.output);
      send(record);
    } else if (state.finished) {
      flush();
    }
    if (bike.current.finished && idle()) setFlushed(true);
  }, [now, startsAt, session, send, flush, idle]);

  // Arrow keys anywhere on the page (the slider handles its own keys).
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA')) return;
      const delta =
        e.key === 'ArrowUp' || e.key === 'ArrowRight'
          ? KEY_STEP
          : e.key === 'ArrowDown' || e.key === 'ArrowLeft'
          ? -KEY_STEP
          : 0;
      if (delta === 0) return;
      e.preventDefault();
      setEffort((v) => clampEffort(v + delta));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const { top: topBand, mine: myBand, standing } = live.view;
  const top = topBand && topBand.raceId === session.raceId ? topBand : null;
  const place = standing && standing.raceId === session.raceId ? standing : null;
  const waiting = now < startsAt;

  if (view.finished && flushed) {
    return <RideResult session={session} output={view.output} onLeave={onLeave} />;
  }
  return (
    <section className="riding" aria-labelledby="riding-title">
      <div className="race-card">
        <div className="race-title">
          <h2 id="riding-title">
            {session.name}{' '}
            <span className="muted">
              rides <RaceName classId={session.classId} raceId={session.raceId} />
            </span>
          </h2>
        </div>
        {waiting ? (
          <div>
            <p className="countdown" role="timer" aria-live="polite">
              Race starts in <strong>{clock((startsAt - now) / 1000)}</strong>
            </p>
            <p className="muted small" data-testid="start-rule">
              Everyone starts together: the race that is running took its riders in its first seconds.
            </p>
          </div>
        ) : (
          <RaceClock raceId={session.raceId} raceSeconds={config.raceSeconds} now={Math.min(now, endsAt)} />
        )}
      </div>
      <div className="gauges" aria-live="off">
        <div className="gauge">
          <span className="gauge-label">Power</span>
          <span className="gauge-value" data-testid="power">
            {waiting
              ? powerFromEffort(effort, session.classId)
              : view.power || powerFromEffort(effort, session.classId)}
          </span>
          <span className="gauge-unit">W</span>
        </div>
        <div className="gauge">
          <span className="gauge-label">Output</span>
          <span className="gauge-value" data-testid="output">
            {kj(view.output)}
          </span>
          <span className="gauge-unit">kJ</span>
        </div>
        <div className="gauge" data-place={place ? placeOf(place) : undefined}>
          <span className="gauge-label">Live rank</span>
          <span className="gauge-value" data-testid="live-rank">
            {place ? ordinal(place.rank) : '–'}
          </span>
          <span className="gauge-unit">
            {top ? `of ${top.totalRiders}` : `next ranking within ${config.windowSeconds} s`}
          </span>
        </div>
      </div>
      {place && (
        <div className="panel ride-gaps" data-testid="ride-gaps">
          <StandingGaps standing={place} />
        </div>
      )}
      <div className="panel effort">
        <label htmlFor="effort">
          Effort <strong>{effort}%</strong> <span className="muted">(slider, or ↑ ↓ keys anywhere)</span>
        </label>
        <input
          id="effort"
          type="range"
          min={0}
          max={100}
          step={1}
          value={effort}
          onChange={(e) => setEffort(clampEffort(Number(e.target.value)))}
          aria-valuetext={`${effort} percent, ${powerFromEffort(effort, session.classId)} watts`}
        />
        <p className="muted small" role="status">
          {view.finished
            ? 'Finished — sending the last records…'
            : `${status.accepted} records sent${status.pending > 0 ? `, ${status.pending} waiting` : ''}`}
          {status.error && <span className="warn"> · {status.error}</span>}
        </p>
      </div>
      {confirmStop ? (
        <div className="confirm panel" role="alertdialog" aria-labelledby="stop-title" aria-describedby="stop-detail">
          <p id="stop-title">
            <strong>Stop riding?</strong>
          </p>
          <p id="stop-detail" className="muted">
            {waiting
              ? 'The race has not started: you leave without a result.'
              : 'Your bike stops sending now and never sends its final record: the race records you as did not finish (DNF), with the output you have so far.'}
          </p>
          <div className="actions">
            <button type="button" className="btn primary" autoFocus onClick={() => setConfirmStop(false)}>
              Keep riding
            </button>
            <button type="button" className="btn danger" onClick={onLeave}>
              {waiting ? 'Leave' : 'Stop and take the DNF'}
            </button>
          </div>
        </div>
      ) : (
        <button type="button" className="btn" onClick={() => setConfirmStop(true)}>
          Stop riding
        </button>
      )}
      {top && top.entries.length > 0 && (
        <div className="panel ride-board">
          <h3 className="panel-title">
            Top of the field <span className="muted">· updates every {config.windowSeconds} s</span>
          </h3>
          <LiveBoardTables
            top={top}
            mine={myBand}
            followId={session.racerId}
            followingMe
            label={`Live ranking of the race you ride`}
            raceId={session.raceId}
            topHeight={5 * 44}
            bandHeight={5 * 44}
            showMovement
          />
        </div>
      )}
    </section>
  );
}
