/** A racer's profile: per-class statistics and recent races. */
import { Empty, ErrorBox, Loading } from '../components/StateViews.js';
import { RaceName } from '../components/RaceName.js';
import { useApp } from '../data/ApiContext.js';
import { useTitle } from '../lib/useTitle.js';
import { useClasses } from '../data/useClasses.js';
import type { AllTimeOrder } from '../data/types.js';
import { kj, ordinal } from '../lib/format.js';
import { routePath } from '../lib/route.js';
import { Link } from '../lib/Link.js';
import { useAsync } from '../lib/useAsync.js';

export function RacerPage({ racerId }: { racerId: string }) {
  const { api } = useApp();
  const classes = useClasses(api);
  const racer = useAsync(() => api.racer(racerId), `racer:${racerId}`);
  useTitle(`Rider: ${racer.status === 'ready' && racer.data?.name ? racer.data.name : racerId}`);
  const className = (id: number): string =>
    classes.status === 'ready' ? classes.data.find((c) => c.classId === id)?.name ?? `Class ${id}` : `Class ${id}`;

  if (racer.status === 'loading') return <Loading what="the racer" />;
  if (racer.status === 'error') return <ErrorBox error={racer.error} what="the racer" retry={racer.reload} />;
  const r = racer.data;
  return (
    <section className="page" aria-labelledby="racer-title">
      <header className="page-head">
        <h1 id="racer-title">
          {r?.name ?? racerId} {r?.name && <span className="muted">· {racerId}</span>}
        </h1>
      </header>
      {!r ? (
        <Empty title="No finished races yet">
          This rider has not finished a race. Results appear here after the first one.
        </Empty>
      ) : (
        <>
          <div className="panel">
            <h2 className="panel-title">By class</h2>
            <table className="data" aria-label="Statistics by class">
              <thead>
                <tr>
                  <th scope="col">Class</th>
                  <th scope="col" className="num">
                    Best (kJ)
                  </th>
                  <th scope="col" className="num">
                    Best rank
                  </th>
                  <th scope="col" className="num hide-narrow">
                    Races
                  </th>
                  <th scope="col" className="num">
                    Total (kJ)
                  </th>
                  <th scope="col" className="num">
                    Total rank
                  </th>
                  <th scope="col" className="hide-narrow">
                    Last race
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.classes.map((c) => (
                  <tr key={c.classId}>
                    <td>
                      <Link href={`/alltime/${c.classId}`}>{className(c.classId)}</Link>
                    </td>
                    <td className="num">
                      <Link href={`/results/${c.classId}/${c.bestRaceId}`}>{kj(c.bestOutput)}</Link>
                    </td>
                    <td className="num" data-testid={`best-rank-${c.classId}`}>
                      <RankLink rank={c.bestRank} classId={c.classId} by="PERSONAL_BEST" racerId={racerId} />
                    </td>
                    <td className="num hide-narrow">{c.racesCompleted}</td>
                    <td className="num">{kj(c.totalOutput)}</td>
                    <td className="num" data-testid={`total-rank-${c.classId}`}>
                      <RankLink rank={c.totalRank} classId={c.classId} by="TOTAL_OUTPUT" racerId={racerId} />
                    </td>
                    <td className="hide-narrow">
                      <Link href={`/results/${c.classId}/${c.lastRaceId}`}>
                        <RaceName classId={c.classId} raceId={c.lastRaceId} withClass={false} />
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="panel">
            <h2 className="panel-title">Recent races</h2>
            {r.recentResults.length === 0 ? (
              <Empty title="No recent races" />
            ) : (
              <table className="data" aria-label="Recent races">
                <thead>
                  <tr>
                    <th scope="col">Race</th>
                    <th scope="col" className="num">
                      Output (kJ)
                    </th>
                    <th scope="col">Finished</th>
                  </tr>
                </thead>
                <tbody>
                  {r.recentResults.map((x) => (
                    <tr key={`${x.classId}:${x.raceId}`}>
                      <td>
                        <Link href={`/results/${x.classId}/${x.raceId}`}>
                          <RaceName classId={x.classId} raceId={x.raceId} />
                        </Link>
                      </td>
                      <td className="num">{kj(x.output)}</td>
                      <td>{x.finished ? 'yes' : 'no final record'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** A rider's all-time rank in a class, opening the ranking at the rider. */
function RankLink({
  rank,
  classId,
  by,
  racerId,
}: {
  rank: number | null | undefined;
  classId: number;
  by: AllTimeOrder;
  racerId: string;
}) {
  const href = routePath({ page: 'alltime', classId, by, around: racerId });
  if (rank === null || rank === undefined) {
    return (
      <Link href={href} title="Too far down the ranking to count here: open the ranking at this rider">
        –
      </Link>
    );
  }
  return (
    <Link href={href} title={`Open the ${by === 'PERSONAL_BEST' ? 'personal best' : 'total output'} ranking here`}>
      {ordinal(rank)}
    </Link>
  );
}
