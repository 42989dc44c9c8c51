/**
 * The README's performance table is generated from kept runs
 * (bench/history/): it must be exactly what the latest kept full run
 * generates, so every figure in it can be traced to a kept file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepRun, latestFullRun, readRuns, runFileName, type KeptRun } from '../../bench/history.js';
import { renderPerfTable, replaceBetweenMarkers, TABLE_END, TABLE_START } from '../../bench/perfTable.js';
import { generatedReadme } from '../../scripts/perfTable.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'alleycat-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(startedAt: string, kind: KeptRun['kind'], over: Partial<KeptRun> = {}): KeptRun {
  return {
    schema: 1,
    kind,
    source: 'npm run bench',
    startedAt,
    totalSeconds: 702.4,
    commit: '0123456789abcdef0123456789abcdef01234567',
    dirty: false,
    machine: { cores: 2, loadAverage: { oneMinute: 0.52, fiveMinutes: 0.8, fifteenMinutes: 1.1 }, node: 'v20.20.2' },
    modules: [{ name: 'queries', status: 'ok', seconds: 40.1 }],
    metrics: [
      {
        metric: 'query.raceResultsTop100P95Ms',
        value: 15.5,
        unit: 'ms',
        target: 25,
        better: 'lower',
        met: true,
        note: 'p50 9.1 ms',
      },
    ],
    ...over,
  };
}

describe("the README's performance table", () => {
  it('is what the latest kept full run generates (run `npm run bench:table` after a full run)', () => {
    const { current, generated, runFile } = generatedReadme();
    expect(runFile).toMatch(/^bench\/history\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    expect(current).toContain(`[\`${runFile}\`](${runFile})`);
    expect(current).toBe(generated);
  });
});

describe('kept runs and the table they generate', () => {
  it('names a run by its start and never overwrites one', () => {
    expect(runFileName('2026-12-06T23:40:12.345Z')).toBe('2026-12-06T23-40-12Z.json');
    const first = run('2026-12-01T10:00:00.000Z', 'full');
    const file = keepRun(dir, first);
    expect(path.basename(file)).toBe('2026-12-01T10-00-00Z.json');
    expect(() => keepRun(dir, first)).toThrow(/EEXIST/);
  });

  it('takes the newest full run; a newer partial run does not replace it', () => {
    keepRun(dir, run('2026-12-02T10:00:00.000Z', 'full', { totalSeconds: 650 }));
    keepRun(dir, run('2026-12-03T10:00:00.000Z', 'partial', { source: 'npm run bench -- --only queries' }));
    expect(readRuns(dir).map((r) => `${path.basename(r.file)} ${r.run.kind}`)).toEqual([
      '2026-12-01T10-00-00Z.json full',
      '2026-12-02T10-00-00Z.json full',
      '2026-12-03T10-00-00Z.json partial',
    ]);
    expect(latestFullRun(dir)?.run.totalSeconds).toBe(650);
  });

  it('refuses a file in the history that is not a kept run, rather than skip it', () => {
    const bad = mkdtempSync(path.join(dir, 'bad-'));
    writeFileSync(path.join(bad, '2026-12-04T10-00-00Z.json'), JSON.stringify({ metrics: [] }));
    expect(() => readRuns(bad)).toThrow(/not a kept run/);
    const misnamed = mkdtempSync(path.join(dir, 'misnamed-'));
    writeFileSync(
      path.join(misnamed, '2026-12-05T10-00-00Z.json'),
      JSON.stringify(run('2026-12-04T10:00:00Z', 'full')),
    );
    expect(() => readRuns(misnamed)).toThrow(/named for another date/);
  });

  it("states the run's date, commit, load and source, and one row per figure with its note", () => {
    const table = renderPerfTable('bench/history/2026-12-02T10-00-00Z.json', run('2026-12-02T10:00:00.000Z', 'full'));
    expect(table.split('\n')).toEqual([
      'Latest kept **full** run: [`bench/history/2026-12-02T10-00-00Z.json`](bench/history/2026-12-02T10-00-00Z.json), ' +
        'started 2026-12-02 10:00 UTC, commit `0123456789ab`, 702.4 s in total; 2 cores, ' +
        'load average 0.52 / 0.8 / 1.1 (1 / 5 / 15 min) at the start, Node v20.20.2. Source: npm run bench.',
      '',
      '| metric | value | target | met? |',
      '|---|---:|---:|---|',
      '| `query.raceResultsTop100P95Ms` (1,000 results, through the runtime on DynamoDB Local; p50 9.1 ms) | 15.5 ms | ≤ 25 ms | yes |',
    ]);
  });

  it('shows what was not recorded as such, and failed or missing modules as rows', () => {
    const table = renderPerfTable(
      'x.json',
      run('2026-12-02T10:00:00.000Z', 'full', {
        commit: null,
        dirty: null,
        totalSeconds: null,
        machine: { cores: null, loadAverage: { oneMinute: 1.4, fiveMinutes: null, fifteenMinutes: null }, node: null },
        modules: [
          { name: 'fanout', status: 'failed', seconds: 3, reason: 'threw: a | b' },
          { name: 'later', status: 'missing', seconds: 0 },
        ],
        metrics: [{ metric: 'fanout.p99Ms', value: 300, unit: 'ms', target: 250, better: 'lower', met: false }],
      }),
    );
    expect(table).toContain(
      'commit not recorded, total duration not recorded; core count not recorded, load average 1.4 / – / –',
    );
    expect(table).toContain('Node not recorded');
    expect(table).toContain('| 300 ms | ≤ 250 ms | no |');
    expect(table).toContain('| `(fanout)` | – | – | FAILED: threw: a \\| b |');
    expect(table).toContain('| `(later)` | – | – | MISSING |');
  });

  it('replaces only what lies between one pair of markers', () => {
    const readme = `# A\n\n${TABLE_START}\nold\n${TABLE_END}\n\nafter\n`;
    expect(replaceBetweenMarkers(readme, 'new')).toBe(`# A\n\n${TABLE_START}\nnew\n${TABLE_END}\n\nafter\n`);
    expect(() => replaceBetweenMarkers('# A\n', 'new')).toThrow(/perf-table:start/);
    expect(() => replaceBetweenMarkers(`${readme}${TABLE_START}\n${TABLE_END}\n`, 'new')).toThrow(/one/);
  });
});
