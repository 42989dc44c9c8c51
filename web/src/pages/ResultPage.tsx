/** One race's result: podium, around me, the full sorted results and a chart. */
import { lazy, Suspense } from 'react';
import { raceEndMillis } from '../../../core/raceClock.js';
import { CurveVsWinner, raceCurves } from '../components/CurveVsWinner.js';
import { FindRider } from '../components/FindRider.js';
import { WindowEdge } from '../components/WindowEdge.js';
import { Podium } from '../components/Podium.js';
import { RaceName, useRaceLabel } from '../components/RaceName.js';
import { RankingTable } from '../components/RankingTable.js';
import { Empty, ErrorBox, Loading } from '../components/StateViews.js';
import { useApp } from '../data/ApiContext.js';
import { findResult, isAroundRefused } from '../data/findResult.js';
import { useClasses } from '../data/useClasses.js';
import { displayName, kj, ordinal } from '../lib/format.js';
import { Link } from '../lib/Link.js';
import { useMe } from '../lib/me.js';
import { useAsync } from '../lib/useAsync.js';
import { useRankWindow } from '../lib/useRankWindow.js';
import { resultState } from '../lib/resultState.js';
import { routePath } from '../lib/route.js';
import { navigate } from '../lib/useRoute.js';
import { useTitle } from '../lib/useTitle.js';

const LineChart = lazy(() => import('../components/LineChart.js').then((m) => ({ default: m.LineChart })));

export function ResultPage({ classId, raceId, around }: { classId: number; raceId: number; around: string | null }) {
  const { api, config } = useApp();
  const me = useMe();
  const classes = useClasses(api);
  const className =
    classes.status === 'ready'
      ? classes.data.find((c) => c.classId === classId)?.name ?? `Class ${classId}`
      : `Class ${classId}`;
  const raceLabel = useRaceLabel();
  useTitle(`Result: ${raceLabel(classId, raceId)}`);
  const race = useAsync(() => api.race(classId, raceId), `race:${classId}:${raceId}`);
  // From the top, or from a rider (`?around=`), growing both ways.
  const results = useRankWindow(
    (token, from) => api.raceResults(classId, raceId, 100, token, from),
    `results:${classId}:${raceId}:${around ?? ''}`,
    around,
  );
  // A window that does not start at the top has no podium: read it.
  const top = useAsync(
    () => (around ? api.raceResults(classId, raceId, 3).then((p) => p.items) : Promise.resolve(null)),
    `top:${classId}:${raceId}:${around ?? ''}`,
  );
  const podium = around ? (top.status === 'ready' ? top.data ?? [] : []) : results.items;
  const refused = results.failed === 'start' && isAroundRefused(results.error);
  const find = (racerId: string | null): void =>
    navigate(routePath({ page: 'result', classId, raceId, ...(racerId ? { around: racerId } : {}) }));
  const found = around !== null && around !== me?.racerId;
  const myResult = useAsync(
    () => (me ? findResult(api, classId, raceId, me.racerId) : Promise.resolve(null)),
    `mine:${classId}:${raceId}:${me?.racerId ?? ''}`,
  );
  const mine = myResult.status === 'ready' ? myResult.data?.mine : undefined;
  const aroundMe = myResult.status === 'ready' ? myResult.data?.around ?? [] : [];
  const winner = podium[0];
  const state =
    race.status === 'ready' && results.loading === null && !results.error
      ? resultState(race.data, results.items.length, raceEndMillis(raceId, config.raceSeconds), Date.now())
      : 'done';

  return (
    <section className="page" aria-labelledby="result-title">
      <header className="page-head">
        <h1 id="result-title">
          {className}{' '}
          <span className="muted">
            · <RaceName classId={classId} raceId={raceId} withClass={false} />
          </span>
        </h1>
        <p className="muted">
          Race #{raceId} of the race clock · <Link href={`/results/${classId}`}>all races of {className}</Link>
        </p>
      </header>
      {race.status === 'error' && <ErrorBox error={race.error} what="the race" retry={race.reload} />}
      {state === 'running' && (
        <div className="notice" role="status">
          This race has not finished yet. <Link href={`/live/${classId}`}>Watch it live →</Link>
        </div>
      )}
      {state === 'writing' && (
        <div className="notice" role="status">
          The results of this race are being written; this page shows what is there so far.
        </div>
      )}
      {race.status === 'ready' && race.data.competitors ? (
        <dl className="stats wide">
          <div>
            <dt>Riders</dt>
            <dd data-testid="competitors">{race.data.competitors}</dd>
          </div>
          <div>
            <dt>Finishers</dt>
            <dd>{race.data.finishers ?? '–'}</dd>
          </div>
          <div>
            <dt>Best</dt>
            <dd>
              {race.data.bestOutput !== null && race.data.bestOutput !== undefined
                ? `${kj(race.data.bestOutput)} kJ`
                : '–'}
            </dd>
          </div>
          {mine && (
            <div>
              <dt>You</dt>
              <dd data-testid="my-result">
                {ordinal(mine.rank)} · {kj(mine.output)} kJ
              </dd>
            </div>
          )}
        </dl>
      ) : null}

      {podium.length > 0 && <Podium results={podium} />}

      <div className="live-grid">
        <div className="panel">
          <h2 className="panel-title">Results</h2>
          {state !== 'nobody' && <FindRider around={around} me={me} onFind={find} />}
          {refused && (
            <div className="notice" role="status" data-testid="find-refused">
              {around === me?.racerId ? 'You have' : `Rider ${around ?? ''} has`} no result in this race.{' '}
              <Link href={routePath({ page: 'result', classId, raceId })}>Show the results from the top →</Link>
            </div>
          )}
          {results.loading === 'start' && <Loading what="results" />}
          {state === 'nobody' && (
            <Empty title="Nobody rode this race">
              No rider sent any data during it, so it has no results.{' '}
              <Link href={`/live/${classId}`}>Ride or watch the race that runs now →</Link>
            </Empty>
          )}
          {state !== 'nobody' && results.loading === null && !results.error && results.items.length === 0 && (
            <Empty title="No results yet">They appear here once the race is closed.</Empty>
          )}
          <WindowEdge list={results} edge="above" what="results" />
          {results.items.length > 0 && (
            <RankingTable
              rows={results.items}
              raceId={raceId}
              label={`Results of ${raceLabel(classId, raceId)}`}
              meId={around ?? me?.racerId}
              meBadge={found ? 'found' : 'you'}
              meBadgeLabel={found ? 'the rider you jumped to' : undefined}
              height={480}
            />
          )}
          <WindowEdge list={results} edge="below" what="results" />
        </div>
        {results.items.length > 0 && (
          <div className="panel">
            {aroundMe.length > 0 && me && (
              <>
                <h2 className="panel-title">Around you</h2>
                <table className="data compact" aria-label="Riders around you">
                  <tbody>
                    {aroundMe.map((r) => (
                      <tr key={r.racerId} className={r.racerId === me.racerId ? 'me' : undefined}>
                        <td className="num">{r.rank}</td>
                        <td>{displayName(r)}</td>
                        <td className="num">{kj(r.output)} kJ</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
            {mine && winner && me && raceCurves(classId, raceId, me.racerId, winner.racerId).any ? (
              <CurveVsWinner
                classId={classId}
                raceId={raceId}
                racerId={me.racerId}
                racerName={me.name}
                winnerId={winner.racerId}
                winnerName={displayName(winner)}
              />
            ) : results.items.length > 1 ? (
              <Suspense fallback={<Loading what="the chart" />}>
                <LineChart
                  xs={results.items.map((r) => r.rank)}
                  series={[{ label: 'output', values: results.items.map((r) => r.output), color: '#ffb000', width: 2 }]}
                  title="Output by rank"
                  xLabel="rank"
                  yLabel="kJ"
                  summary={winner ? `${displayName(winner)} won with ${kj(winner.output)} kJ` : ''}
                />
              </Suspense>
            ) : null}
          </div>
        )}
      </div>
    </section>
  );
}
