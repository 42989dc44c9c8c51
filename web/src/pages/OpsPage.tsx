/**
 * Ops: the local stack's metrics (`GET /ops/metrics`, same origin) as the
 * CloudWatch dashboard would show them: alerts on top, what the AppSync
 * traffic costs at list prices, then one small chart per series, grouped by
 * functions, event sources and real-time. Polls every
 * 3 s with `since` so only new points travel. Loaded lazily (own chunk).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { LineChart } from '../components/LineChart.js';
import { Empty, ErrorBox, Loading } from '../components/StateViews.js';
import {
  formatFigure,
  isOpsSnapshot,
  mergeSnapshot,
  newestPointTime,
  opsPanels,
  unitLabel,
  type OpsAlert,
  type OpsChart,
  type OpsSnapshot,
  type SeriesGroup,
} from '../ops/opsModel.js';
import { useTitle } from '../lib/useTitle.js';
import { CostPanel } from '../ops/CostPanel.js';
import './OpsPage.css';

const POLL_MS = 3000;
const COLORS: Record<SeriesGroup, string> = { functions: '#4dc9ff', eventSource: '#ffb000', realtime: '#3ddc97' };

/** Failure to read /ops/metrics (network, HTTP status or shape). */
export class OpsFetchError extends Error {
  override name = 'OpsFetchError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

async function fetchSnapshot(since: number | undefined, signal: AbortSignal): Promise<OpsSnapshot> {
  const url = new URL('/ops/metrics', window.location.origin);
  if (since !== undefined) url.searchParams.set('since', String(since));
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new OpsFetchError(`${url.pathname} is not reachable`, { cause: err });
  }
  if (res.status === 404) throw new OpsFetchError('this stack serves no /ops/metrics (is the ops view running?)');
  if (!res.ok) throw new OpsFetchError(`${url.pathname} answered HTTP ${res.status}`);
  const body: unknown = await res.json();
  if (!isOpsSnapshot(body)) throw new OpsFetchError(`${url.pathname} returned something that is not an ops snapshot`);
  return body;
}

/** Polls /ops/metrics; stops on an error until retry() is called. */
function useOpsSnapshot(): { snapshot?: OpsSnapshot; error?: Error; retry: () => void } {
  const [snapshot, setSnapshot] = useState<OpsSnapshot>();
  const [error, setError] = useState<Error>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    let held: OpsSnapshot | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const next = await fetchSnapshot(held ? newestPointTime(held) : undefined, abort.signal);
        held = mergeSnapshot(held, next);
        setSnapshot(held);
        setError(undefined);
        timer = setTimeout(() => void poll(), POLL_MS);
      } catch (err) {
        if (abort.signal.aborted) return;
        setError(err instanceof Error ? err : new OpsFetchError(String(err), { cause: err }));
      }
    };
    // poll catches its own errors and shows them, so nothing is left to await here.
    void poll();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [attempt]);

  const retry = useCallback(() => {
    setError(undefined);
    setAttempt((n) => n + 1);
  }, []);
  return { snapshot, error, retry };
}

export function OpsAlerts({ alerts }: { alerts: readonly OpsAlert[] }) {
  if (alerts.length === 0) {
    return (
      <p className="ops-ok" role="status">
        No alerts: every alarm condition is clear.
      </p>
    );
  }
  return (
    <ul className="ops-alerts" aria-label="Alerts">
      {alerts.map((a) => (
        <li key={a.id} className={`ops-alert ops-${a.severity}`}>
          <span className="ops-severity">{a.severity === 'page' ? 'Page' : 'Warn'}</span>
          <span>
            <strong>{a.id}</strong> {a.message}
          </span>
        </li>
      ))}
    </ul>
  );
}

function SeriesChart({ chart, color }: { chart: OpsChart; color: string }) {
  const latest = formatFigure(chart.latest, chart.unit);
  const series = useMemo(
    () => [{ label: chart.label, values: chart.values, color }],
    [chart.label, chart.values, color],
  );
  return (
    <article className="ops-card" aria-label={`${chart.label}: ${latest}`} data-series={chart.id}>
      <header className="ops-card-head">
        <h3 className="ops-card-title">{chart.label}</h3>
        <span className="ops-latest num" data-testid="ops-latest">
          {latest}
        </span>
      </header>
      <p className="ops-card-meta muted small">
        {unitLabel(chart.unit)}
        {chart.total !== null && ` · ${formatFigure(chart.total, 'Count')} in all`}
      </p>
      <LineChart
        xs={chart.xs}
        series={series}
        title={chart.label}
        xLabel="seconds (0 = now)"
        yLabel=""
        height={120}
        showTitle={false}
        summary={`latest ${latest} over the last ${Math.round(-(chart.xs[0] ?? 0))} s`}
      />
    </article>
  );
}

/** The page body for a snapshot (separate from polling so it renders in tests). */
export function OpsView({ snapshot }: { snapshot: OpsSnapshot }) {
  const panels = opsPanels(snapshot);
  return (
    <>
      <section className="panel" aria-labelledby="ops-alerts-title">
        <h2 id="ops-alerts-title" className="panel-title">
          Alerts
        </h2>
        <OpsAlerts alerts={snapshot.alerts} />
      </section>
      {snapshot.cost && <CostPanel cost={snapshot.cost} />}
      {panels.length === 0 ? (
        <Empty title="No metrics yet">The first figures arrive a few seconds after the stack starts.</Empty>
      ) : (
        panels.map((p) => (
          <section key={p.group} className="panel" aria-labelledby={`ops-${p.group}`}>
            <h2 id={`ops-${p.group}`} className="panel-title">
              {p.title}
            </h2>
            {p.charts.length > 0 && (
              <div className="ops-grid">
                {p.charts.map((c) => (
                  <SeriesChart key={c.id} chart={c} color={COLORS[p.group]} />
                ))}
              </div>
            )}
            {p.quiet.length > 0 && (
              <div className="ops-quiet">
                <h3 className="ops-quiet-title muted small">Zero so far</h3>
                <ul aria-label={`${p.title}: zero so far`}>
                  {p.quiet.map((c) => (
                    <li key={c.id} data-series={c.id}>
                      <span>{c.label}</span> <span className="num">{formatFigure(c.latest ?? 0, c.unit)}</span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </section>
        ))
      )}
    </>
  );
}

export default function OpsPage() {
  useTitle('Ops (developers)');
  const { snapshot, error, retry } = useOpsSnapshot();
  return (
    <>
      <div className="page-head">
        <h1>Ops</h1>
        <p className="muted small">
          The local stack&apos;s metrics, refreshed every {POLL_MS / 1000} s
          {snapshot && `, ${Math.round(snapshot.resolutionMs / 1000)} s per point`}.
        </p>
      </div>
      {error ? (
        <ErrorBox error={error} what="the metrics" retry={retry} />
      ) : snapshot ? (
        <OpsView snapshot={snapshot} />
      ) : (
        <Loading what="the metrics" />
      )}
    </>
  );
}
