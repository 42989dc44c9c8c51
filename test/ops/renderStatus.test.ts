/** The text of `alleycat status`: sparklines, figures, what is hidden by default, fitting a terminal. */
import { describe, expect, it } from 'vitest';
import { fitRows, renderStatus, sparkline, STATUS_SECTIONS, type StatusSection } from '../../local/ops/renderStatus.js';
import { formatFigure } from '../../contract/opsMetrics.js';
import type { OpsSeries, OpsSnapshot } from '../../contract/opsMetrics.js';

function series(id: string, patch: Partial<OpsSeries>): OpsSeries {
  return {
    id,
    group: 'eventSource',
    label: id,
    unit: 'Count/Second',
    kind: 'rate',
    latest: 0,
    total: 0,
    points: [],
    ...patch,
  };
}

const snapshot: OpsSnapshot = {
  version: 1,
  now: Date.UTC(2026, 10, 23, 4, 0, 0),
  startedAt: Date.UTC(2026, 10, 23, 3, 58, 30),
  resolutionMs: 2000,
  retentionMs: 600_000,
  series: [
    series('esm.aggregator.batches', {
      label: 'aggregator: batches',
      latest: 2,
      total: 40,
      points: [
        [1, 1],
        [2, 2],
      ],
    }),
    series('esm.aggregator.retries', {
      label: 'aggregator: retries',
      latest: 0,
      total: 0,
      points: [
        [1, 0],
        [2, 0],
      ],
    }),
    series('esm.aggregator.maxIteratorAgeMs', {
      label: 'aggregator: iterator age',
      unit: 'Milliseconds',
      kind: 'gauge',
      latest: 1200,
      total: null,
      points: [
        [1, 900],
        [2, 1200],
      ],
    }),
    series('esm.aggregator.iteratorAgeMs.shardId-0', {
      label: 'aggregator: iterator age shardId-0',
      unit: 'Milliseconds',
      kind: 'gauge',
      latest: 1200,
      total: null,
      points: [[2, 1200]],
    }),
  ],
  alerts: [
    {
      id: 'FinalizerDeadLetters',
      severity: 'page',
      message: 'finalizer: 1 batch(es) sent to the dead-letter destination',
      seriesId: 'esm.finalizer.discardedBatches',
    },
  ],
  inputs: {
    emfLines: 3,
    emfMetrics: 9,
    emfInvalid: 0,
    lastEmfError: null,
    sourceErrors: { 'esm.allTime': 'mapping stopped' },
  },
};

describe('sparklines and figures', () => {
  it('scale from zero to the largest value, with gaps for missing points', () => {
    expect(sparkline([0, 1, 2, 4, 8], 10)).toBe('▁▂▃▅█');
    expect(sparkline([0, null, 0], 10)).toBe('▁ ▁');
    expect(sparkline([1, 2, 3, 4], 2)).toBe('▆█');
  });

  it('format each unit briefly', () => {
    expect(formatFigure(1200, 'Milliseconds')).toBe('1.2 s');
    expect(formatFigure(35, 'Milliseconds')).toBe('35 ms');
    expect(formatFigure(2.5, 'Count/Second')).toBe('2.5/s');
    expect(formatFigure(1234.4, 'Count/Second')).toBe('1,234/s');
    expect(formatFigure(null, 'Count')).toBe('-');
  });
});

describe('the status screen', () => {
  it('puts alerts first and iterator ages first, and hides per-shard and still-zero figures unless --all', () => {
    const text = renderStatus(snapshot, { width: 100, url: 'http://127.0.0.1:4000/ops/metrics' });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'alleycat status — 04:00:00 UTC, up 1m 30s, 2 s resolution — http://127.0.0.1:4000/ops/metrics',
    );
    expect(text).toContain('!! FinalizerDeadLetters: finalizer: 1 batch(es) sent to the dead-letter destination');
    const age = lines.findIndex((l) => l.includes('aggregator: iterator age'));
    const batches = lines.findIndex((l) => l.includes('aggregator: batches'));
    expect(age).toBeGreaterThan(0);
    expect(age).toBeLessThan(batches);
    expect(text).not.toContain('retries');
    expect(text).not.toContain('shardId-0');
    expect(text).toContain('(2 more: per-shard or still zero; --all shows them)');
    expect(text).toContain('source esm.allTime failed: mapping stopped');
    const all = renderStatus(snapshot, { all: true });
    expect(all).toContain('aggregator: retries');
    expect(all).toContain('shardId-0');
  });

  it('is cut to the terminal height when redrawn, saying how much is left out', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    const fitted = fitRows(lines, 12);
    expect(fitted).toHaveLength(11);
    expect(fitted[10]).toBe('… 20 more lines: enlarge the terminal, or use --once');
    expect(fitRows(lines, 40)).toEqual(lines);
  });

  it('fits an 80×24 terminal: the title first, alerts next, no line wider than the screen', () => {
    // A busy stack: more series than rows, long labels, a long URL.
    const busy: OpsSnapshot = {
      ...snapshot,
      series: [
        ...snapshot.series,
        ...Array.from({ length: 30 }, (_, i) =>
          series(`fn.aggregator.Metric${i}`, {
            group: 'functions',
            label: `aggregator: a metric with a rather long name number ${i}`,
            latest: i,
            total: i * 10,
            points: Array.from({ length: 300 }, (_, t) => [t, (t * i) % 17] as [number, number]),
          }),
        ),
      ],
    };
    const url = 'http://127.0.0.1:40123/ops/metrics';
    const text = renderStatus(busy, { width: 79, rows: 24, url, hint: 'q quits' });
    const lines = text.split('\n');
    // 23 lines and the newline after them never scroll a 24-row screen.
    expect(lines).toHaveLength(23);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(79);
    expect(lines[0]).toBe('alleycat status — 04:00:00 UTC, up 1m 30s, 2 s resolution — q quits — http://1…');
    expect(lines[2]).toBe('ALERTS  1');
    expect(lines[3]).toBe('  !! FinalizerDeadLetters: finalizer: 1 batch(es) sent to the dead-letter dest…');
    expect(lines[22]).toMatch(/^… \d+ more lines: enlarge the terminal, or use --once$/);
    // Without rows (--once, a pipe) nothing is left out.
    const whole = renderStatus(busy, { width: 79, url }).split('\n');
    expect(whole.length).toBeGreaterThan(30);
    expect(whole.length - 22).toBe(Number(/^… (\d+) more/.exec(lines[22] ?? '')?.[1]));
  });

  it('takes a new section without touching the others', () => {
    const extra: StatusSection = { name: 'cost', render: (s) => [`COST  ${s.series.length} series`] };
    const text = renderStatus(snapshot, { width: 100 }, [...STATUS_SECTIONS, extra]);
    expect(text.endsWith('\n\nCOST  4 series')).toBe(true);
    expect(text.startsWith(renderStatus(snapshot, { width: 100 }))).toBe(true);
  });
});
