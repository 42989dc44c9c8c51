/**
 * The README's performance table, generated from a kept run
 * (bench/history.ts): a line saying which run it is (date, commit, machine
 * load, source) and one row per figure. Written between marker comments by
 * `npm run bench:table`; test/bench/perfTable.test.ts fails when the README
 * differs from what the latest kept full run generates.
 */
import { formatValue } from './run.js';
import type { KeptRun } from './history.js';
import { METRIC_LABELS } from './metricLabels.js';

export const TABLE_START = '<!-- perf-table:start -->';
export const TABLE_END = '<!-- perf-table:end -->';

function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** A target or a load average as written (0.5, not 0.500). */
function plain(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function orDash(n: number | null): string {
  return n === null ? '–' : plain(n);
}

/** A table cell's text: pipes would end the cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

/** The sentence that identifies a run: where it is kept, when it ran, on what commit and machine. */
export function describeRun(file: string, run: KeptRun): string {
  const commit =
    run.commit === null
      ? 'commit not recorded'
      : `commit \`${run.commit.slice(0, 12)}\`${run.dirty ? ' with uncommitted changes' : ''}`;
  const load = run.machine.loadAverage;
  return [
    `Latest kept **${run.kind}** run: [\`${file}\`](${file}), started ${utc(run.startedAt)}, ${commit}, `,
    run.totalSeconds === null ? 'total duration not recorded' : `${plain(run.totalSeconds)} s in total`,
    `; ${run.machine.cores === null ? 'core count not recorded' : `${run.machine.cores} cores`}, `,
    `load average ${orDash(load.oneMinute)} / ${orDash(load.fiveMinutes)} / ${orDash(load.fifteenMinutes)} `,
    `(1 / 5 / 15 min) at the start, Node ${run.machine.node ?? 'not recorded'}. Source: ${run.source}.`,
  ].join('');
}

/** The markdown between the markers: the run's description and its table. */
export function renderPerfTable(file: string, run: KeptRun): string {
  const rows = run.metrics.map((m) => {
    const words = [METRIC_LABELS[m.metric], m.note].filter((w) => w !== undefined && w.length > 0).join('; ');
    const name = `\`${m.metric}\`${words ? ` (${words})` : ''}`;
    const target = `${m.better === 'higher' ? '≥' : '≤'} ${plain(m.target)} ${m.unit}`;
    return `| ${cell(name)} | ${formatValue(m.value)} ${m.unit} | ${target} | ${m.met ? 'yes' : 'no'} |`;
  });
  for (const m of run.modules ?? []) {
    if (m.status === 'ok') continue;
    const why = m.status === 'missing' ? 'MISSING' : `FAILED: ${m.reason ?? ''}`;
    rows.push(`| \`(${m.name})\` | – | – | ${cell(why)} |`);
  }
  return [describeRun(file, run), '', '| metric | value | target | met? |', '|---|---:|---:|---|', ...rows].join('\n');
}

/** `text` with what lies between the markers replaced by `content`; exactly one pair of markers must be there. */
export function replaceBetweenMarkers(text: string, content: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start || text.indexOf(TABLE_START, start + 1) >= 0 || text.indexOf(TABLE_END, end + 1) >= 0)
    throw new Error(`expected one ${TABLE_START} … ${TABLE_END} pair`);
  return `${text.slice(0, start + TABLE_START.length)}\n${content}\n${text.slice(end)}`;
}
