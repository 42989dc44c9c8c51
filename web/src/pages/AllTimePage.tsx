/** All-time rankings of a class, by personal best or by total output. */
import { ClassPicker } from '../components/ClassPicker.js';
import { FindRider } from '../components/FindRider.js';
import { WindowEdge } from '../components/WindowEdge.js';
import { Empty, ErrorBox, Loading } from '../components/StateViews.js';
import { useRaceLabel } from '../components/RaceName.js';
import { useApp } from '../data/ApiContext.js';
import { isAroundRefused } from '../data/findResult.js';
import { useTitle } from '../lib/useTitle.js';
import { pickClass, useClasses } from '../data/useClasses.js';
import type { AllTimeOrder, RaceClass } from '../data/types.js';
import { displayName, kj } from '../lib/format.js';
import { Link } from '../lib/Link.js';
import { useMe } from '../lib/me.js';
import { routePath } from '../lib/route.js';
import { useRankWindow } from '../lib/useRankWindow.js';
import { navigate } from '../lib/useRoute.js';

export function AllTimePage({ classId, by, around }: { classId?: number; by: AllTimeOrder; around: string | null }) {
  const { api } = useApp();
  const classes = useClasses(api);
  const name = classes.status === 'ready' ? pickClass(classes.data, classId)?.name : undefined;
  useTitle(name ? `All-time rankings: ${name}` : 'All-time rankings');
  if (classes.status === 'loading') return <Loading what="race classes" />;
  if (classes.status === 'error') return <ErrorBox error={classes.error} what="race classes" retry={classes.reload} />;
  const selected = pickClass(classes.data, classId);
  if (!selected) return <Empty title="No race classes" />;
  return <AllTimeList classes={classes.data} selected={selected} by={by} around={around} />;
}

function AllTimeList({
  classes,
  selected,
  by,
  around,
}: {
  classes: RaceClass[];
  selected: RaceClass;
  by: AllTimeOrder;
  around: string | null;
}) {
  const { api } = useApp();
  const me = useMe();
  const raceLabel = useRaceLabel();
  // From the top, or from a rider (`?around=`), growing both ways.
  const list = useRankWindow(
    (token, from) => api.allTimeRankings(selected.classId, by, 50, token, from),
    `alltime:${selected.classId}:${by}:${around ?? ''}`,
    around,
  );
  const refused = list.failed === 'start' && isAroundRefused(list.error);
  const highlight = around ?? me?.racerId;
  // Another order keeps the rider the page starts at; another class does not (the rider may not ride it).
  const go = (classId: number, order: AllTimeOrder, from: string | null = around): void =>
    navigate(routePath({ page: 'alltime', classId, by: order, ...(from ? { around: from } : {}) }));
  return (
    <section className="page" aria-labelledby="alltime-title">
      <header className="page-head">
        <h1 id="alltime-title">All-time</h1>
        <ClassPicker classes={classes} value={selected.classId} onChange={(id) => go(id, by, null)} />
      </header>
      <div className="panel">
        <div className="panel-head">
          <h2 className="panel-title">
            {selected.name} · {by === 'PERSONAL_BEST' ? 'best single race' : 'total output'}
          </h2>
          <div className="segmented" role="group" aria-label="Order">
            <button
              type="button"
              className={`chip${by === 'PERSONAL_BEST' ? ' active' : ''}`}
              aria-pressed={by === 'PERSONAL_BEST'}
              onClick={() => go(selected.classId, 'PERSONAL_BEST')}
            >
              Personal best
            </button>
            <button
              type="button"
              className={`chip${by === 'TOTAL_OUTPUT' ? ' active' : ''}`}
              aria-pressed={by === 'TOTAL_OUTPUT'}
              onClick={() => go(selected.classId, 'TOTAL_OUTPUT')}
            >
              Total output
            </button>
          </div>
        </div>
        <FindRider around={around} me={me} onFind={(id) => go(selected.classId, by, id)} />
        {refused && (
          <div className="notice" role="status" data-testid="find-refused">
            {sentence(list.error?.message.replace(/^ValidationError: /, '') ?? '')}{' '}
            <Link href={routePath({ page: 'alltime', classId: selected.classId, by })}>
              Show the ranking from the top →
            </Link>
          </div>
        )}
        {list.loading === 'start' && <Loading what="the all-time ranking" />}
        <WindowEdge list={list} edge="above" what="riders" />
        {list.loading === null && !list.error && list.items.length === 0 && (
          <Empty title="Nobody has finished a race in this class yet">The ranking fills in as races finish.</Empty>
        )}
        {list.items.length > 0 && (
          <table
            className="data"
            aria-label={`All-time ranking of ${selected.name} by ${
              by === 'PERSONAL_BEST' ? 'personal best' : 'total output'
            }`}
          >
            <thead>
              <tr>
                <th scope="col" className="num">
                  Rank
                </th>
                <th scope="col">Rider</th>
                <th scope="col" className={`num${by === 'PERSONAL_BEST' ? ' sorted' : ''}`}>
                  Best (kJ)
                </th>
                <th scope="col" className="num hide-narrow">
                  Races
                </th>
                <th scope="col" className={`num${by === 'TOTAL_OUTPUT' ? ' sorted' : ''}`}>
                  Total (kJ)
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((e) => (
                <tr
                  key={e.racerId}
                  className={highlight === e.racerId ? 'me' : undefined}
                  aria-current={highlight === e.racerId ? 'true' : undefined}
                  data-racer={e.racerId}
                >
                  <td className="num">{e.rank}</td>
                  <td>
                    <Link href={`/racer/${encodeURIComponent(e.racerId)}`}>{displayName(e)}</Link>
                  </td>
                  <td className="num">
                    <Link
                      href={`/results/${e.classId}/${e.bestRaceId}`}
                      title={`Set in the race of ${raceLabel(e.classId, e.bestRaceId, false)}`}
                    >
                      {kj(e.bestOutput)}
                    </Link>
                  </td>
                  <td className="num hide-narrow">{e.racesCompleted}</td>
                  <td className="num">{kj(e.totalOutput)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <WindowEdge list={list} edge="below" what="riders" />
      </div>
    </section>
  );
}

/** An API message as a sentence: capital first, full stop last. */
function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${text.endsWith('.') ? '' : '.'}`;
}
