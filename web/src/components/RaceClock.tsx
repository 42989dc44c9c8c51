/** A race's clock: progress bar and time left, from the shared race clock (core/raceClock). */
import { raceSecondAt, raceStartMillis } from '../../../core/raceClock.js';
import { clock, timeOfDay } from '../lib/format.js';

export function RaceClock(props: { raceId: number; raceSeconds: number; now: number }) {
  const { raceId, raceSeconds, now } = props;
  const elapsedMs = Math.max(0, Math.min(raceSeconds * 1000, now - raceStartMillis(raceId, raceSeconds)));
  const fraction = elapsedMs / (raceSeconds * 1000);
  const left = raceSeconds - elapsedMs / 1000;
  const second = raceSecondAt(raceId, raceSeconds, now);
  return (
    <div className="race-clock">
      <div className="clock-line">
        <span className="time-left" aria-label={`${clock(left)} left`}>
          {clock(left)}
        </span>
        <span className="muted">left · started {timeOfDay(raceStartMillis(raceId, raceSeconds))}</span>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label="Race progress"
        aria-valuemin={0}
        aria-valuemax={raceSeconds}
        aria-valuenow={second}
        aria-valuetext={`second ${second} of ${raceSeconds}`}
      >
        <div className="progress-fill" style={{ transform: `scaleX(${fraction})` }} />
      </div>
    </div>
  );
}
