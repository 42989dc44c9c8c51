/** Results: the finished races of a class, newest first. */
import { ClassPicker } from '../components/ClassPicker.js';
import { LoadMore } from '../components/LoadMore.js';
import { Empty, ErrorBox, Loading } from '../components/StateViews.js';
import { RaceName } from '../components/RaceName.js';
import { useApp } from '../data/ApiContext.js';
import { useTitle } from '../lib/useTitle.js';
import { pickClass, useClasses } from '../data/useClasses.js';
import type { RaceClass } from '../data/types.js';
import { kj } from '../lib/format.js';
import { Link } from '../lib/Link.js';
import { usePaged } from '../lib/usePaged.js';
import { navigate } from '../lib/useRoute.js';

export function RacesPage({ classId }: { classId?: number }) {
  const { api } = useApp();
  const classes = useClasses(api);
  const name = classes.status === 'ready' ? pickClass(classes.data, classId)?.name : undefined;
  useTitle(name ? `Results: ${name}` : 'Results');
  if (classes.status === 'loading') return <Loading what="race classes" />;
  if (classes.status === 'error') return <ErrorBox error={classes.error} what="race classes" retry={classes.reload} />;
  const selected = pickClass(classes.data, classId);
  if (!selected) return <Empty title="No race classes" />;
  return <RaceList classes={classes.data} selected={selected} />;
}

function RaceList({ classes, selected }: { classes: RaceClass[]; selected: RaceClass }) {
  const { api } = useApp();
  const list = usePaged((token) => api.races(selected.classId, 20, token), `races:${selected.classId}`);
  return (
    <section className="page" aria-labelledby="races-title">
      <header className="page-head">
        <h1 id="races-title">Results</h1>
        <ClassPicker classes={classes} value={selected.classId} onChange={(id) => navigate(`/results/${id}`)} />
      </header>
      <div className="panel">
        <h2 className="panel-title">Finished races · {selected.name}</h2>
        {list.loading && list.items.length === 0 && <Loading what="races" />}
        {!list.loading && !list.error && list.items.length === 0 && (
          <Empty title="No finished races yet">Results appear here a few seconds after each race ends.</Empty>
        )}
        {list.items.length > 0 && (
          <table className="data" aria-label={`Finished races of ${selected.name}, newest first`}>
            <thead>
              <tr>
                <th scope="col">Race (start)</th>
                <th scope="col" className="num">
                  Riders
                </th>
                <th scope="col">Winner</th>
                <th scope="col" className="num">
                  Best (kJ)
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((r) => (
                <tr key={r.raceId}>
                  <td>
                    <Link href={`/results/${r.classId}/${r.raceId}`}>
                      <RaceName classId={r.classId} raceId={r.raceId} withClass={false} />
                    </Link>
                  </td>
                  <td className="num">{r.competitors ?? '–'}</td>
                  <td>
                    {r.winnerRacerId ? (
                      <Link href={`/racer/${encodeURIComponent(r.winnerRacerId)}`}>
                        {r.winnerName ?? r.winnerRacerId}
                      </Link>
                    ) : (
                      '–'
                    )}
                  </td>
                  <td className="num">
                    {r.bestOutput !== null && r.bestOutput !== undefined ? kj(r.bestOutput) : '–'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <LoadMore list={list} what="races" />
      </div>
    </section>
  );
}
