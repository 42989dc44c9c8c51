/**
 * The text of `alleycat status`: a title, then sections (alerts, event
 * sources, functions, real-time, inputs), each a list of lines. Pure: the
 * command decides where it goes (a refreshing terminal screen, or plain lines).
 *
 * A new section is one function in STATUS_SECTIONS: it gets the snapshot and
 * the layout and returns its lines. Given `rows`, the screen is fitted to the
 * terminal: no line is wider than `width` (a wrapped line would scroll the
 * title away), the title and the alerts always show, and later sections give
 * way first, with a line saying how much was left out.
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
  /** Terminal width (default 100). Lines never exceed it. */
  width?: number;
  /** Terminal height: when given, the text is at most `rows - 1` lines (the cursor's line stays free). */
  rows?: number;
  /** Source shown in the title line. */
  url?: string;
  /**
   * Show every series: per-shard iterator ages and figures that are still zero
   * (default: the maximum age per mapping, and only figures that have moved).
   */
  all?: boolean;
  /** Appended to the title (the live screen says how to quit). */
  hint?: string;
}

/** Column widths shared by every section's lines. */
export interface StatusLayout {
  width: number;
  labelWidth: number;
  sparkWidth: number;
  all: boolean;
}

/** One block of the screen: its lines (a blank line separates it from the previous block; none: left out). */
export interface StatusSection {
  name: string;
  render(snapshot: OpsSnapshot, layout: StatusLayout): string[];
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return s % 60 === 0 ? `${m}m` : `${m}m ${s % 60}s`;
  return `${s}s`;
}

const alertsSection: StatusSection = {
  name: 'alerts',
  render(snapshot) {
    const lines = [snapshot.alerts.length === 0 ? 'ALERTS  none' : `ALERTS  ${snapshot.alerts.length}`];
    for (const a of snapshot.alerts) lines.push(`  ${a.severity === 'page' ? '!!' : ' !'} ${a.id}: ${a.message}`);
    return lines;
  },
};

/** A section listing one group of series with latest value, total and sparkline. */
function seriesSection(group: SeriesGroup, title: string): StatusSection {
  return {
    name: group,
    render(snapshot, layout) {
      const inGroup = snapshot.series.filter((s) => s.group === group);
      // Iterator ages first: they are what an operator looks at.
      const ordered = [
        ...inGroup.filter((s) => /IteratorAge/.test(s.id)),
        ...inGroup.filter((s) => !/IteratorAge/.test(s.id)),
      ];
      const shown = ordered.filter((s) => layout.all || (!/\.iteratorAgeMs\./.test(s.id) && !isQuiet(s)));
      const lines = [
        `${title.padEnd(layout.labelWidth + 2)}${'latest'.padStart(10)} ${'total'.padStart(12)}   last ${duration(
          snapshot.retentionMs,
        )}`,
      ];
      if (inGroup.length === 0) lines.push('  (no figures yet)');
      for (const s of shown) lines.push(renderLine(s, layout.labelWidth, layout.sparkWidth));
      const hidden = inGroup.length - shown.length;
      if (hidden > 0) lines.push(`  (${hidden} more: per-shard or still zero; --all shows them)`);
      return lines;
    },
  };
}

const inputsSection: StatusSection = {
  name: 'inputs',
  render(snapshot) {
    const { inputs } = snapshot;
    const lines = [
      `inputs: ${inputs.emfLines} EMF lines, ${inputs.emfMetrics} metrics${
        inputs.emfInvalid > 0 ? `, ${inputs.emfInvalid} invalid (last: ${inputs.lastEmfError ?? ''})` : ''
      }`,
    ];
    for (const [source, message] of Object.entries(inputs.sourceErrors))
      lines.push(`source ${source} failed: ${message}`);
    return lines;
  },
};

/** What the AppSync traffic costs (renderCost.ts); absent when the snapshot has no cost section. */
const costSection: StatusSection = {
  name: 'cost',
  // renderCost leads with its own blank separator; the screen adds one per section.
  render: (snapshot, layout) => renderCost(snapshot.cost, layout.width).filter((line, i) => i > 0 || line !== ''),
};

/** The sections in screen order; when rows are short the last ones give way first. */
export const STATUS_SECTIONS: readonly StatusSection[] = [
  alertsSection,
  seriesSection('eventSource', 'EVENT SOURCES'),
  seriesSection('functions', 'FUNCTIONS (EMF)'),
  seriesSection('realtime', 'REAL-TIME'),
  costSection,
  inputsSection,
];

export function renderStatus(
  snapshot: OpsSnapshot,
  options: RenderOptions = {},
  sections: readonly StatusSection[] = STATUS_SECTIONS,
): string {
  const width = Math.max(40, options.width ?? 100);
  // The columns shrink with the terminal; the label keeps at least 20 characters.
  const labelWidth = Math.max(20, Math.min(46, Math.floor(width * 0.45)));
  const sparkWidth = Math.max(0, width - labelWidth - 2 - 10 - 1 - 12 - 3);
  const layout: StatusLayout = { width, labelWidth, sparkWidth, all: options.all === true };
  const at = new Date(snapshot.now).toISOString().slice(11, 19);
  // What matters most comes first: a narrow terminal cuts the URL, not the time or how to quit.
  const title = [
    'alleycat status',
    `${at} UTC, up ${duration(snapshot.now - snapshot.startedAt)}, ${snapshot.resolutionMs / 1000} s resolution`,
    ...(options.hint ? [options.hint] : []),
    ...(options.url ? [options.url] : []),
  ].join(' — ');
  const blocks = sections
    .map((section) => section.render(snapshot, layout))
    .filter((lines) => lines.length > 0)
    .map((lines) => ['', ...lines]);
  const lines = [title, ...blocks.flat()].map((line) => clip(line, width));
  return (options.rows === undefined ? lines : fitRows(lines, options.rows)).join('\n');
}

/** Cuts a line to `width` characters, marking the cut. */
export function clip(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * At most `rows - 1` lines, so that printing them and a newline never scrolls
 * (the first lines — title and alerts — always stay); the last kept line says
 * how many were left out.
 */
export function fitRows(lines: readonly string[], rows: number): string[] {
  const room = Math.max(1, rows - 1);
  if (lines.length <= room) return [...lines];
  if (room === 1) return [lines[0] ?? ''];
  const kept = lines.slice(0, room - 1);
  const left = lines.length - kept.length;
  return [...kept, `… ${left} more lines: enlarge the terminal, or use --once`];
}

/** A rate that has never counted anything (retries, dead letters on a healthy stack). */
function isQuiet(s: OpsSeries): boolean {
  return s.kind === 'rate' && (s.total ?? 0) === 0 && s.points.every(([, v]) => !v);
}

function renderLine(s: OpsSeries, labelWidth: number, sparkWidth: number): string {
  const label = s.label.length > labelWidth ? `${s.label.slice(0, labelWidth - 1)}…` : s.label;
  const total = s.total === null ? '' : formatFigure(s.total, 'Count');
  const spark =
    sparkWidth > 0
      ? `   ${sparkline(
          s.points.map(([, v]) => v),
          sparkWidth,
        )}`
      : '';
  return `  ${label.padEnd(labelWidth)}${formatFigure(s.latest, s.unit).padStart(10)} ${total.padStart(12)}${spark}`;
}
