/** Here now: the running race of a class, its clock, the top of its live ranking and the riders around you. */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { raceIdAt, raceStartMillis } from '../../../core/raceClock.js';
import { ClassPicker } from '../components/ClassPicker.js';
import { LiveBoardTables, type LiveBoardTablesHandle } from '../components/LiveBoardTables.js';
import { RaceClock } from '../components/RaceClock.js';
import { RaceName, useRaceLabel } from '../components/RaceName.js';
import { placeOf, StandingGaps } from '../components/StandingGaps.js';
import { Empty, ErrorBox, Loading } from '../components/StateViews.js';
import { useApp } from '../data/ApiContext.js';
import { pickClass, useClasses } from '../data/useClasses.js';
import type { LiveBand, LiveEntry, RaceClass } from '../data/types.js';
import { clock, displayName, kj } from '../lib/format.js';
import { Link } from '../lib/Link.js';
import { useMe } from '../lib/me.js';
import { useNow } from '../lib/useNow.js';
import { useTitle } from '../lib/useTitle.js';
import { navigate } from '../lib/useRoute.js';
import { raceHistory } from '../live/raceHistory.js';
import { topSeries } from '../live/topSeries.js';
import { useLiveBoard } from '../live/useLiveBoard.js';

const LineChart = lazy(() => import('../components/LineChart.js').then((m) => ({ default: m.LineChart })));

/** The page of a class, following `follow` if given (the signed-in rider otherwise). */
function livePath(classId: number, follow: string | null): string {
  return follow ? `/live/${classId}?follow=${encodeURIComponent(follow)}` : `/live/${classId}`;
}

export function LivePage({ classId, follow }: { classId?: number; follow?: string }) {
  const { api } = useApp();
  const classes = useClasses(api);
  const name = classes.status === 'ready' ? pickClass(classes.data, classId)?.name : undefined;
  useTitle(name ? `Here now: ${name}` : 'Here now');
  if (classes.status === 'loading') return <Loading what="race classes" />;
  if (classes.status === 'error') return <ErrorBox error={classes.error} what="race classes" retry={classes.reload} />;
  const selected = pickClass(classes.data, classId);
  if (!selected) return <Empty title="No race classes">The catalog is empty.</Empty>;
  return <LiveClass classes={classes.data} selected={selected} follow={follow ?? null} />;
}

/** Choose a rider to follow: a spectator sees that rider's place, gaps and band as if they were them. */
function FollowForm({ classId, follow, top }: { classId: number; follow: string | null; top: LiveBand | null }) {
  const [value, setValue] = useState(follow ?? '');
  return (
    <form
      className="follow"
      aria-label="Follow a rider"
      onSubmit={(e) => {
        e.preventDefault();
        const id = value.trim();
        navigate(livePath(classId, id.length > 0 ? id : null));
      }}
    >
      <label htmlFor="follow-id">Follow a rider</label>
      <input
        id="follow-id"
        list="follow-riders"
        placeholder="rider id"
        autoComplete="off"
        spellCheck={false}
        maxLength={64}
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <datalist id="follow-riders">
        {top?.entries.map((e) => (
          <option key={e.racerId} value={e.racerId}>
            {displayName(e)}
          </option>
        ))}
      </datalist>
      <button type="submit" className="btn small">
        Follow
      </button>
      {follow && (
        <button type="button" className="btn small" onClick={() => navigate(livePath(classId, null))}>
          Stop following
        </button>
      )}
    </form>
  );
}

function LiveClass({
  classes,
  selected,
  follow,
}: {
  classes: RaceClass[];
  selected: RaceClass;
  follow: string | null;
}) {
  const { api, config } = useApp();
  const me = useMe();
  const now = useNow(250);
  const raceId = raceIdAt(now, config.raceSeconds);
  const followId = follow ?? me?.racerId ?? null;
  const followingMe = followId !== null && followId === me?.racerId;
  const live = useLiveBoard(api, selected.classId, followId, config.raceSeconds);
  const { top, mine, standing } = live.view;
  const current: LiveBand | null = top && top.raceId === raceId ? top : null;
  // In the first moments of a race, the race that just ended is still worth seeing (and links to its result).
  const ended: LiveBand | null = !current && top && top.raceId === raceId - 1 ? top : null;
  const justEnded = now - raceStartMillis(raceId, config.raceSeconds) < Math.min(30_000, config.raceSeconds * 500);
  const tables = useRef<LiveBoardTablesHandle>(null);
  const raceLabel = useRaceLabel();
  const place = standing && standing.raceId === raceId ? standing : null;
  const leader = current?.entries[0];
  const followedName =
    (followingMe ? me?.name : undefined) ??
    [...(top?.entries ?? []), ...(mine?.entries ?? [])].find((e) => e.racerId === followId)?.name ??
    followId;

  useEffect(() => {
    if (performance.getEntriesByName('alleycat:live-shell').length === 0) performance.mark('alleycat:live-shell');
  }, []);
  const shownRows = current?.entries ?? ended?.entries;
  useEffect(() => {
    // First render of a live ranking (this race's, or the one that just ended), measured by the browser tests.
    if (shownRows && shownRows.length > 0 && performance.getEntriesByName('alleycat:live-ranking').length === 0) {
      performance.mark('alleycat:live-ranking');
    }
  }, [shownRows]);

  // The chart draws the top ten and the followed rider: what the two bands hold.
  const chartEntries = useMemo((): LiveEntry[] => {
    if (!current) return [];
    const own = mine && mine.band > 0 && mine.raceId === current.raceId ? mine.entries : [];
    return [...current.entries, ...own];
  }, [current, mine]);
  const series = useMemo(
    () => (current ? topSeries(raceHistory(current.classId, current.raceId), chartEntries, followId) : []),
    // `live.version` changes with every view (the history grows in place).
    [current, chartEntries, live.version, followId],
  );
  const history = current ? raceHistory(current.classId, current.raceId) : undefined;

  return (
    <section className="page live" aria-labelledby="live-title">
      <header className="page-head">
        <h1 id="live-title">Here now</h1>
        <ClassPicker classes={classes} value={selected.classId} onChange={(id) => navigate(livePath(id, follow))} />
      </header>

      <div className="race-card">
        <div className="race-title">
          <h2>
            {selected.name}{' '}
            <span className="muted">
              · <RaceName classId={selected.classId} raceId={raceId} withClass={false} />
            </span>
          </h2>
          <p className="muted">{selected.description}</p>
        </div>
        <RaceClock raceId={raceId} raceSeconds={config.raceSeconds} now={now} />
        <dl className="stats">
          <div>
            <dt>Riders</dt>
            <dd data-testid="rider-count">{current ? current.totalRiders : '–'}</dd>
          </div>
          <div>
            <dt>Leader</dt>
            <dd>{leader ? `${displayName(leader)} · ${kj(leader.output)} kJ` : '–'}</dd>
          </div>
          <div className="standing">
            <dt>{followId && !followingMe ? `Following ${followedName}` : 'You'}</dt>
            <dd>
              {place ? (
                <>
                  <span data-testid="my-place" data-place={placeOf(place)}>
                    {placeOf(place)}
                  </span>{' '}
                  <button type="button" className="btn small" onClick={() => tables.current?.scrollToFollowed()}>
                    {followingMe ? 'Jump to me' : 'Jump to them'}
                  </button>
                  <StandingGaps standing={place} />
                </>
              ) : followId ? (
                <span className="muted" data-testid="not-racing">
                  {followedName} is not in this race
                </span>
              ) : (
                <Link href="/ride">Ride this race →</Link>
              )}
            </dd>
          </div>
        </dl>
        <FollowForm key={follow ?? ''} classId={selected.classId} follow={follow} top={current ?? ended} />
      </div>

      {justEnded ? (
        <div className="notice finish" role="status">
          <strong>
            The race of <RaceName classId={selected.classId} raceId={raceId - 1} withClass={false} /> has finished.
          </strong>{' '}
          Its results are being written:{' '}
          <Link href={`/results/${selected.classId}/${raceId - 1}`} data-testid="previous-result">
            see the result →
          </Link>
        </div>
      ) : (
        <p className="previous-race">
          Previous race, <RaceName classId={selected.classId} raceId={raceId - 1} withClass={false} />:{' '}
          <Link href={`/results/${selected.classId}/${raceId - 1}`} data-testid="previous-result">
            see its result →
          </Link>
        </p>
      )}

      <div className="live-grid">
        <div className="panel">
          <h3 className="panel-title">
            Top of the field <span className="muted">· updates every {config.windowSeconds} s</span>
          </h3>
          {live.error && <ErrorBox error={live.error} what="the live ranking" />}
          {!current && live.loading && !live.error && <Loading what="the live ranking" />}
          {!current && !live.loading && !live.error && (
            <Empty
              title={`Waiting for the first live ranking of the race of ${raceLabel(selected.classId, raceId, false)}`}
            >
              Rankings are published every {config.windowSeconds} seconds once the riders&apos; data comes in.
            </Empty>
          )}
          {ended && ended.entries.length > 0 && (
            <>
              <h4 className="ended-title">
                Last live ranking of the race of{' '}
                <RaceName classId={ended.classId} raceId={ended.raceId} withClass={false} />
              </h4>
              <LiveBoardTables
                top={ended}
                mine={mine}
                followId={followId}
                followingMe={followingMe}
                label={`Last live ranking of ${raceLabel(ended.classId, ended.raceId)}`}
                raceId={ended.raceId}
                topHeight={300}
                bandHeight={220}
              />
            </>
          )}
          {current && current.entries.length === 0 && <Empty title="No riders yet" />}
          {current && current.entries.length > 0 && (
            <LiveBoardTables
              ref={tables}
              top={current}
              mine={mine}
              followId={followId}
              followingMe={followingMe}
              label={`Live ranking of ${raceLabel(selected.classId, raceId)}`}
              raceId={raceId}
              topHeight={520}
              bandHeight={308}
              showMovement
              secondLabel="Second"
            />
          )}
        </div>
        <div className="panel" data-testid="live-chart" data-from-second={history?.seconds[0]}>
          <h3 className="panel-title">Top 10 output so far</h3>
          {history && history.seconds.length >= 2 && series.length > 0 ? (
            <Suspense fallback={<Loading what="the chart" />}>
              <LineChart
                xs={history.seconds}
                series={series}
                title={`Top 10 output, ${raceLabel(selected.classId, raceId)}`}
                xLabel="race second"
                yLabel="kJ"
                height={300}
                showTitle={false}
                summary={leader ? `${displayName(leader)} leads with ${kj(leader.output)} kJ` : 'no leader yet'}
              />
              {history.firstSecond > config.windowSeconds && (
                <p className="muted small chart-note" data-testid="chart-arrival">
                  From the start to {clock(history.firstSecond)}, when this page arrived, each line runs straight from 0
                  kJ to the rider&apos;s total then; from there it follows every live ranking.
                </p>
              )}
            </Suspense>
          ) : (
            <Empty title="The chart fills in as the race goes">
              It starts with the first live ranking of this race and follows every one after it.
            </Empty>
          )}
        </div>
      </div>
    </section>
  );
}
