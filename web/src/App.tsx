/** The shell: header with navigation and connection state, then the page of the route. */
import { lazy, Suspense } from 'react';
import { AccountBadge } from './auth/AccountBadge.js';
import { ConnectionBadge } from './components/ConnectionBadge.js';
import { Empty, Loading } from './components/StateViews.js';
import { useApp } from './data/ApiContext.js';
import { Link } from './lib/Link.js';
import type { Route } from './lib/route.js';
import { useRoute } from './lib/useRoute.js';
import { useTitle } from './lib/useTitle.js';
import { AllTimePage } from './pages/AllTimePage.js';
import { LivePage } from './pages/LivePage.js';
import { RacerPage } from './pages/RacerPage.js';
import { RacesPage } from './pages/RacesPage.js';
import { ResultPage } from './pages/ResultPage.js';
import { RidePage } from './pages/RidePage.js';

// GraphiQL and Monaco are big: the explorer is its own chunk, fetched on first visit.
const ExplorerPage = lazy(() => import('./pages/ExplorerPage.js'));
// The ops page (charts of the local stack's metrics) is its own chunk too.
const OpsPage = lazy(() => import('./pages/OpsPage.js'));

const NAV: Array<{ href: string; label: string; pages: Array<Route['page']> }> = [
  { href: '/', label: 'Here now', pages: ['live'] },
  { href: '/ride', label: 'Ride', pages: ['ride'] },
  { href: '/results', label: 'Results', pages: ['races', 'result'] },
  { href: '/alltime', label: 'All-time', pages: ['alltime', 'racer'] },
  { href: '/explorer', label: 'Explorer', pages: ['explorer'] },
];

function NotFound() {
  useTitle('Not found');
  return (
    <Empty title="Nothing here">
      <Link href="/">Back to the race that runs now →</Link>
    </Empty>
  );
}

export function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'live':
      return <LivePage key={route.classId ?? 'default'} classId={route.classId} follow={route.follow} />;
    case 'ride':
      return <RidePage />;
    case 'races':
      return <RacesPage classId={route.classId} />;
    case 'result':
      return (
        <ResultPage
          key={`${route.classId}:${route.raceId}`}
          classId={route.classId}
          raceId={route.raceId}
          around={route.around ?? null}
        />
      );
    case 'alltime':
      return <AllTimePage classId={route.classId} by={route.by} around={route.around ?? null} />;
    case 'racer':
      return <RacerPage key={route.racerId} racerId={route.racerId} />;
    case 'explorer':
      return (
        <Suspense fallback={<Loading what="the explorer" />}>
          <ExplorerPage />
        </Suspense>
      );
    case 'ops':
      return (
        <Suspense fallback={<Loading what="the ops page" />}>
          <OpsPage />
        </Suspense>
      );
    case 'notFound':
      return <NotFound />;
  }
}

export function Shell({ route }: { route: Route }) {
  const { api, auth } = useApp();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand" aria-label="Alleycat, the race that runs now">
          <span className="brand-mark" aria-hidden="true">
            ⟲
          </span>
          Alleycat
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.pages.includes(route.page) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <ConnectionBadge api={api} />
        <AccountBadge auth={auth} />
      </header>
      <main id="main" className={route.page === 'explorer' ? 'main wide' : 'main'} tabIndex={-1}>
        <Page route={route} />
      </main>
      {route.page !== 'explorer' && (
        <footer className="footer">
          <span>Alleycat · live races on the local stack</span>
          {/* For developers of the stack, not for riders: kept out of the main navigation. */}
          <nav aria-label="Developers">
            <Link href="/ops" aria-current={route.page === 'ops' ? 'page' : undefined}>
              Ops metrics (developers)
            </Link>
          </nav>
        </footer>
      )}
    </>
  );
}

export function App() {
  const route = useRoute();
  return <Shell route={route} />;
}
