import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { OpsView } from '../src/pages/OpsPage.js';
import { mergeSnapshot, newestPointTime, opsPanels, type OpsSeries, type OpsSnapshot } from '../src/ops/opsModel.js';
import { parseRoute, routePath } from '../src/lib/route.js';

const T0 = 1_763_870_000_000;

function series(
  id: string,
  group: OpsSeries['group'],
  points: Array<[number, number | null]>,
  unit = 'Count',
): OpsSeries {
  const values = points.map(([, v]) => v).filter((v): v is number => v !== null);
  return {
    id,
    group,
    label: id.split('.').slice(1).join(' '),
    unit,
    kind: 'gauge',
    latest: values[values.length - 1] ?? null,
    total: null,
    points,
  };
}

function snapshot(now: number, list: OpsSeries[], alerts: OpsSnapshot['alerts'] = []): OpsSnapshot {
  return {
    version: 1,
    now,
    startedAt: T0 - 60_000,
    resolutionMs: 2000,
    retentionMs: 10_000,
    series: list,
    alerts,
    inputs: { emfLines: 0, emfMetrics: 0, emfInvalid: 0, lastEmfError: null, sourceErrors: {} },
  };
}

function text(html: string): string {
  return html.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, ' ');
}

describe('ops page model', () => {
  it('groups series into functions, event sources and real-time panels, leaving per-shard ages to the maximum', () => {
    const snap = snapshot(T0, [
      series('realtime.connections', 'realtime', [[T0, 3]]),
      series('esm.aggregator.maxIteratorAgeMs', 'eventSource', [[T0, 1200]], 'Milliseconds'),
      series('esm.aggregator.iteratorAgeMs.shardId-000000000001', 'eventSource', [[T0, 800]], 'Milliseconds'),
      series(
        'fn.aggregator.RecordsReceived',
        'functions',
        [
          [T0 - 2000, 900],
          [T0, 1000],
        ],
        'Count/Second',
      ),
    ]);
    const panels = opsPanels(snap);
    expect(panels.map((p) => p.group)).toEqual(['functions', 'eventSource', 'realtime']);
    expect(panels[1]?.charts.map((c) => c.id)).toEqual(['esm.aggregator.maxIteratorAgeMs']);
    // x is seconds relative to the snapshot time.
    expect(panels[0]?.charts[0]).toMatchObject({
      xs: [-2, 0],
      values: [900, 1000],
      latest: 1000,
      unit: 'Count/Second',
    });
  });

  it('charts the series that moved and only lists the ones still at zero', () => {
    const snap = snapshot(T0, [
      series(
        'esm.finalizer.retries',
        'eventSource',
        [
          [T0 - 2000, 0],
          [T0, 0],
        ],
        'Count/Second',
      ),
      series(
        'esm.finalizer.batches',
        'eventSource',
        [
          [T0 - 2000, 0],
          [T0, 4],
        ],
        'Count/Second',
      ),
      series('esm.allTime.batches', 'eventSource', [[T0, null]], 'Count/Second'),
    ]);
    const [panel] = opsPanels(snap);
    expect(panel?.charts.map((c) => c.id)).toEqual(['esm.finalizer.batches']);
    expect(panel?.quiet.map((c) => c.id)).toEqual(['esm.allTime.batches', 'esm.finalizer.retries']);
  });

  it('leaves out groups without series', () => {
    expect(
      opsPanels(snapshot(T0, [series('realtime.connections', 'realtime', [[T0, 1]])])).map((p) => p.group),
    ).toEqual(['realtime']);
    expect(opsPanels(snapshot(T0, []))).toEqual([]);
  });

  it('appends the points of an incremental poll and drops those older than the retention', () => {
    const held = snapshot(T0, [
      series('realtime.connections', 'realtime', [
        [T0 - 8000, 1],
        [T0 - 4000, 2],
        [T0, 3],
      ]),
    ]);
    expect(newestPointTime(held)).toBe(T0);
    const next = snapshot(T0 + 4000, [
      series('realtime.connections', 'realtime', [
        [T0 + 2000, 4],
        [T0 + 4000, 5],
      ]),
      series('realtime.messagesOut', 'realtime', [[T0 + 4000, 7]]),
    ]);
    const merged = mergeSnapshot(held, next);
    expect(merged.series.find((s) => s.id === 'realtime.connections')?.points).toEqual([
      [T0 - 4000, 2],
      [T0, 3],
      [T0 + 2000, 4],
      [T0 + 4000, 5],
    ]);
    expect(merged.series.find((s) => s.id === 'realtime.messagesOut')?.points).toEqual([[T0 + 4000, 7]]);
    expect(merged.now).toBe(T0 + 4000);
  });

  it('starts over when the collector restarted', () => {
    const held = snapshot(T0, [series('realtime.connections', 'realtime', [[T0, 3]])]);
    const restarted = {
      ...snapshot(T0 + 2000, [series('realtime.connections', 'realtime', [[T0 + 2000, 0]])]),
      startedAt: T0 + 1000,
    };
    expect(mergeSnapshot(held, restarted)).toEqual(restarted);
  });
});

describe('ops view', () => {
  it('shows alerts with their severity, then each series with its label and latest value', () => {
    const snap = snapshot(
      T0,
      [
        series('esm.aggregator.maxIteratorAgeMs', 'eventSource', [[T0, 41_000]], 'Milliseconds'),
        series('realtime.connections', 'realtime', [[T0, 1234]]),
      ],
      [
        {
          id: 'AggregatorIteratorAge',
          severity: 'page',
          message: 'aggregator is 41.0 s behind its stream',
          seriesId: 'esm.aggregator.maxIteratorAgeMs',
        },
      ],
    );
    const html = renderToString(<OpsView snapshot={snap} />);
    const t = text(html);
    expect(html).toContain('class="ops-alert ops-page"');
    expect(t).toContain('aggregator is 41.0 s behind its stream');
    expect(t.indexOf('Event sources')).toBeGreaterThan(t.indexOf('AggregatorIteratorAge'));
    expect(t).toContain('41.0 s');
    expect(t).toContain('1,234');
    expect(html).toContain('aria-label="connections: 1,234"');
  });

  it('lists all-zero series by name and value without a chart', () => {
    const html = renderToString(
      <OpsView snapshot={snapshot(T0, [series('esm.finalizer.retries', 'eventSource', [[T0, 0]], 'Count/Second')])} />,
    );
    expect(text(html)).toContain('Zero so far');
    expect(text(html)).toContain('finalizer retries');
    expect(html).not.toContain('ops-card');
  });

  it('says when there are no series yet and no alerts', () => {
    const t = text(renderToString(<OpsView snapshot={snapshot(T0, [])} />));
    expect(t).toContain('No metrics yet');
    expect(t).toContain('No alerts');
  });

  it('has its own route', () => {
    expect(parseRoute('/ops')).toEqual({ page: 'ops' });
    expect(routePath({ page: 'ops' })).toBe('/ops');
  });
});
