/** Here now: the running race of a class, its clock and its live ranking. */
import { lazy, Suspense, useEffect, useMemo, useRef } from 'react';
import { raceIdAt, raceStartMillis } from '../../../core/raceClock.js';
import { ClassPicker } from '../components/ClassPicker.js';
import { RaceClock } from '../components/RaceClock.js';
import { RaceName, useRaceLabel } from '../components/RaceName.js';
import { RankingTable, type RankingTableHandle } from '../components/RankingTable.js';
import { Empty, ErrorBox, Loading } from '../components/StateViews.js';
import { useApp } from '../data/ApiContext.js';
import { pickClass, useClasses } from '../data/useClasses.js';
import type { LiveRankings, RaceClass } from '../data/types.js';
import { clock, displayName, kj, ordinal } from '../lib/format.js';
import { Link } from '../lib/Link.js';
import { useMe } from '../lib/me.js';
import { useNow } from '../lib/useNow.js';
import { useTitle } from '../lib/useTitle.js';
import { navigate } from '../lib/useRoute.js';
import { raceHistory } from '../live/raceHistory.js';
import { topSeries } from '../live/topSeries.js';
import { useLiveRankings } from '../live/useLiveRankings.js';

const LineChart = lazy(() => import('../components/LineChart.js').then((m) => ({ default: m.LineChart })));

export function LivePage({ classId }: { classId?: number }) {
  const { api } = useApp();
  const classes = useClasses(api);
  const name = classes.status === 'ready' ? pickClass(classes.data, classId)?.name : undefined;
  useTitle(name ? `Here now: ${name}` : 'Here now');
  if (classes.status === 'loading') return <Loading what="race classes" />;
  if (classes.status === 'error') return <ErrorBox error={classes.error} what="race classes" retry={classes.reload} />;
  const selected = pickClass(classes.data, classId);
  if (!selected) return <Empty title="No race classes">The catalog is empty.</Empty>;
  return <LiveClass classes={classes.data} selected={selected} />;
}

function LiveClass({ classes, selected }: { classes: RaceClass[]; selected: RaceClass }) {
  const { api, config } = useApp();
  const me = useMe();
  const now = useNow(250);
  const raceId = raceIdAt(now, config.raceSeconds);
  const live = useLiveRankings(api, selected.classId, config.raceSeconds);
  const current: LiveRankings | null = live.snapshot && live.snapshot.raceId === raceId ? live.snapshot : null;
  // In the first moments of a race, the race that just ended is still worth seeing (and links to its result).
  const ended: LiveRankings | null =
    !current && live.snapshot && live.snapshot.raceId === raceId - 1 ? live.snapshot : null;
  const justEnded = now - raceStartMillis(raceId, config.raceSeconds) < Math.min(30_000, config.raceSeconds * 500);
  const table = useRef<RankingTableHandle>(null);
  const raceLabel = useRaceLabel();
  const entries = current?.entries;
  const myIndex = me && entries ? entries.findIndex((e) => e.racerId === me.racerId) : -1;
  const mine = myIndex >= 0 && entries ? entries[myIndex] : undefined;
  const leader = entries?.[0];

  useEffect(() => {
    if (performance.getEntriesByName('alleycat:live-shell').length === 0) performance.mark('alleycat:live-shell');
  }, []);
  const shownRows = entries ?? ended?.entries;
  useEffect(() => {
    // First render of a live ranking (this race's, or the one that just ended), measured by the browser tests.
    if (shownRows && shownRows.length > 0 && performance.getEntriesByName('alleycat:live-ranking').length === 0) {
      performance.mark('alleycat:live-ranking');
    }
  }, [shownRows]);

  const series = useMemo(
    () =>
      current ? topSeries(raceHistory(current.classId, current.raceId), current.entries, me?.racerId ?? null) : [],
    // `live.version` changes with every accepted snapshot (the history grows in place).
    [current, live.version, me?.racerId],
  );
  const history = current ? raceHistory(current.classId, current.raceId) : undefined;

  return (
    <section className="page live" aria-labelledby="live-title">
      <header className="page-head">
        <h1 id="live-title">Here now</h1>
        <ClassPicker classes={classes} value={selected.classId} onChange={(id) => navigate(`/live/${id}`)} />
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
            <dd data-testid="rider-count">{entries ? entries.length : '–'}</dd>
          </div>
          <div>
            <dt>Leader</dt>
            <dd>{leader ? `${displayName(leader)} · ${kj(leader.output)} kJ` : '–'}</dd>
          </div>
          <div>
            <dt>You</dt>
            <dd>
              {mine && entries ? (
                <>
                  <span data-testid="my-place">
                    {ordinal(mine.rank)} of {entries.length}
                  </span>{' '}
                  <button
                    type="button"
                    className="btn small"
                    onClick={() => table.current?.scrollToRacer(mine.racerId)}
                  >
                    Jump to me
                  </button>
                </>
              ) : me ? (
                <span className="muted">{me.name} is not in this race</span>
              ) : (
                <Link href="/ride">Ride this race →</Link>
              )}
            </dd>
          </div>
        </dl>
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
            Live ranking <span className="muted">· updates every {config.windowSeconds} s</span>
          </h3>
          {live.error && !current && <ErrorBox error={live.error} what="the live ranking" />}
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
              <RankingTable
                rows={ended.entries}
                raceId={ended.raceId}
                label={`Last live ranking of ${raceLabel(ended.classId, ended.raceId)}`}
                meId={me?.racerId}
                height={300}
              />
            </>
          )}
          {current && current.entries.length === 0 && <Empty title="No riders yet" />}
          {current && current.entries.length > 0 && (
            <RankingTable
              ref={table}
              rows={current.entries}
              raceId={raceId}
              label={`Live ranking of ${raceLabel(selected.classId, raceId)}`}
              meId={me?.racerId}
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
