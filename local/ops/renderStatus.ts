/**
 * The text of `alleycat status`: alerts, then one line per series with its
 * latest value, total and a sparkline of the retained points. Pure: the
 * command decides where it goes (a refreshing terminal screen, or plain lines).
 */
import { formatFigure, type OpsSeries, type OpsSnapshot, type SeriesGroup } from '../../contract/opsMetrics.js';
import { renderCost } from './renderCost.js';

const BARS = '▁▂▃▄▅▆▇█';

/** A sparkline of `values` (null = a gap), scaled from 0 to the largest value, `width` characters at most. */
export function sparkline(values: readonly (number | null)[], width: number): string {
  const shown = values.slice(-width);
  let max = 0;
  for (const v of shown) if (v !== null && v > max) max = v;
  let out = '';
  for (const v of shown) {
    if (v === null) out += ' ';
    else if (max <= 0) out += BARS[0];
    else out += BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5))];
  }
  return out;
}

export interface RenderOptions {
  /** Terminal width (default 100). */
  width?: number;
  /** Source shown in the title line. */
  url?: string;
  /**
   * Show every series: per-shard iterator ages and figures that are still zero
   * (default: the maximum age per mapping, and only figures that have moved).
   */
  all?: boolean;
}

const GROUPS: readonly [SeriesGroup, string][] = [
  ['eventSource', 'EVENT SOURCES'],
  ['functions', 'FUNCTIONS (EMF)'],
  ['realtime', 'REAL-TIME'],
];

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`;
  return `${s}s`;
}

export function renderStatus(snapshot: OpsSnapshot, options: RenderOptions = {}): string {
  const width = Math.max(60, options.width ?? 100);
  const labelWidth = Math.min(46, Math.floor(width * 0.45));
  const sparkWidth = Math.max(10, width - labelWidth - 2 - 10 - 1 - 12 - 3);
  const lines: string[] = [];
  const at = new Date(snapshot.now).toISOString().slice(11, 19);
  lines.push(
    `alleycat status${options.url ? ` — ${options.url}` : ''} — ${at} UTC, up ${duration(
      snapshot.now - snapshot.startedAt,
    )}, ${snapshot.resolutionMs / 1000} s resolution`,
  );
  lines.push('');
  lines.push(snapshot.alerts.length === 0 ? 'ALERTS  none' : `ALERTS  ${snapshot.alerts.length}`);
  for (const a of snapshot.alerts) lines.push(`  ${a.severity === 'page' ? '!!' : ' !'} ${a.id}: ${a.message}`);
  for (const [group, title] of GROUPS) {
    const inGroup = snapshot.series.filter((s) => s.group === group);
    // Iterator ages first: they are what an operator looks at.
    const ordered = [
      ...inGroup.filter((s) => /IteratorAge/.test(s.id)),
      ...inGroup.filter((s) => !/IteratorAge/.test(s.id)),
    ];
    const shown = ordered.filter((s) => options.all || (!/\.iteratorAgeMs\./.test(s.id) && !isQuiet(s)));
    lines.push('');
    lines.push(
      `${title.padEnd(labelWidth + 2)}${'latest'.padStart(10)} ${'total'.padStart(12)}   last ${duration(
        snapshot.retentionMs,
      )}`,
    );
    if (inGroup.length === 0) lines.push('  (no figures yet)');
    for (const s of shown) lines.push(renderLine(s, labelWidth, sparkWidth));
    const hidden = inGroup.length - shown.length;
    if (hidden > 0) lines.push(`  (${hidden} more: per-shard or still zero; --all shows them)`);
  }
  lines.push(...renderCost(snapshot.cost, width));
  const { inputs } = snapshot;
  lines.push('');
  lines.push(
    `inputs: ${inputs.emfLines} EMF lines, ${inputs.emfMetrics} metrics${
      inputs.emfInvalid > 0 ? `, ${inputs.emfInvalid} invalid (last: ${inputs.lastEmfError ?? ''})` : ''
    }`,
  );
  for (const [source, message] of Object.entries(inputs.sourceErrors))
    lines.push(`source ${source} failed: ${message}`);
  return lines.join('\n');
}

/** A rate that has never counted anything (retries, dead letters on a healthy stack). */
function isQuiet(s: OpsSeries): boolean {
  return s.kind === 'rate' && (s.total ?? 0) === 0 && s.points.every(([, v]) => !v);
}

function renderLine(s: OpsSeries, labelWidth: number, sparkWidth: number): string {
  const label = s.label.length > labelWidth ? `${s.label.slice(0, labelWidth - 1)}…` : s.label;
  const total = s.total === null ? '' : formatFigure(s.total, 'Count');
  return `  ${label.padEnd(labelWidth)}${formatFigure(s.latest, s.unit).padStart(10)} ${total.padStart(
    12,
  )}   ${sparkline(
    s.points.map(([, v]) => v),
    sparkWidth,
  )}`;
}
