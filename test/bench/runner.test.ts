/**
 * The benchmark runner runs real modules in child processes: these tests give
 * it small modules written to a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchEnvironment, collectResults, formatTable, runBenchmarks, writeResults } from '../../bench/run.js';
import { readRuns } from '../../bench/history.js';
import { meetsTarget } from '../../bench/types.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'alleycat-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function module(name: string, body: string): void {
  writeFileSync(path.join(dir, `${name}.ts`), body);
}

module(
  'good',
  `export async function run(opts: { quick: boolean; progress?: (m: string) => void }) {
     opts.progress?.('halfway');
     return [{ metric: 'good.speed', value: opts.quick ? 10 : 20, unit: 'records/s', target: 15, better: 'higher' }];
   }`,
);
module('throws', `export async function run() { throw new Error('DynamoDB Local is not running'); }`);
module('malformed', `export async function run() { return [{ metric: 'x', value: 'fast' }]; }`);
module(
  'partial',
  `export async function run() { return [{ metric: 'partial.a', value: 1, unit: 'ms', target: 5, better: 'lower' }]; }`,
);
module(
  'hangs',
  `export async function run() { await new Promise(() => setInterval(() => undefined, 1000)); return []; }`,
);

describe('the benchmark runner', () => {
  it('runs each module in its own process and reports results, progress, missing and failed modules', async () => {
    const progress: string[] = [];
    const outcomes = await runBenchmarks({
      quick: true,
      root: dir,
      benchDir: dir,
      timeoutMs: 20_000,
      benchmarks: [
        { name: 'good', metrics: ['good.speed'] },
        { name: 'notWrittenYet', metrics: ['future.metric'] },
        { name: 'throws', metrics: [] },
        { name: 'malformed', metrics: [] },
        { name: 'partial', metrics: ['partial.a', 'partial.b'] },
      ],
      onProgress: (name, message) => progress.push(`${name}: ${message}`),
    });

    expect(outcomes.map((o) => [o.name, o.status])).toEqual([
      ['good', 'ok'],
      ['notWrittenYet', 'missing'],
      ['throws', 'failed'],
      ['malformed', 'failed'],
      ['partial', 'failed'],
    ]);
    expect(progress).toContain('good: halfway');
    const [good, , throws, malformed, partial] = outcomes;
    expect(good?.status === 'ok' && good.results).toEqual([
      { metric: 'good.speed', value: 10, unit: 'records/s', target: 15, better: 'higher' },
    ]);
    expect(throws?.status === 'failed' && throws.reason).toContain('DynamoDB Local is not running');
    expect(malformed?.status === 'failed' && malformed.reason).toContain('malformed');
    expect(partial?.status === 'failed' && partial.reason).toBe('did not report partial.b');

    const table = formatTable(outcomes);
    expect(table).toMatch(/good\.speed\s+10\s+records\/s\s+>= 15\s+no/);
    expect(table).toContain('future.metric');
    expect(table).toContain('MISSING');
    expect(table).toMatch(/\(throws\).*FAILED: threw: .*DynamoDB Local is not running/);
    // A failed module's partial figures are kept and shown.
    expect(collectResults(outcomes).map((r) => r.metric)).toEqual(['good.speed', 'partial.a']);
  });

  it('stops a module that runs past its time limit', async () => {
    const [outcome] = await runBenchmarks({
      quick: true,
      root: dir,
      benchDir: dir,
      timeoutMs: 1_500,
      benchmarks: [{ name: 'hangs', metrics: [] }],
    });
    expect(outcome?.status).toBe('failed');
    expect(outcome?.status === 'failed' && outcome.reason).toBe('timed out after 2 s');
  });

  it('gives a full run of a module its own time limit when its entry sets one (a full ingest race per step)', async () => {
    const [outcome] = await runBenchmarks({
      quick: false,
      root: dir,
      benchDir: dir,
      historyDir: null,
      benchmarks: [{ name: 'hangs', metrics: [], fullTimeoutMs: 1_500 }],
    });
    expect(outcome?.status === 'failed' && outcome.reason).toBe('timed out after 2 s');
  });

  it('writes results.json in the agreed shape, keeping other modules’ figures on a partial run', () => {
    const file = path.join(dir, 'results.json');
    writeResults(file, [{ metric: 'a.x', value: 1, unit: 'ms', target: 2, better: 'lower' }], false);
    writeResults(file, [{ metric: 'b.y', value: 3, unit: 'x', target: 2, better: 'higher' }], true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([
      { metric: 'a.x', value: 1, unit: 'ms', target: 2, better: 'lower' },
      { metric: 'b.y', value: 3, unit: 'x', target: 2, better: 'higher' },
    ]);
  });

  it('keeps a run that is not quick in a dated history file: every figure, commit, machine, duration', async () => {
    const root = mkdtempSync(path.join(dir, 'kept-'));
    const kept: string[] = [];
    const startedBefore = Date.now();
    const outcomes = await runBenchmarks({
      quick: false,
      root,
      benchDir: dir,
      timeoutMs: 20_000,
      benchmarks: [
        { name: 'good', metrics: ['good.speed'] },
        { name: 'notWrittenYet', metrics: ['future.metric'] },
        { name: 'partial', metrics: ['partial.a', 'partial.b'] },
      ],
      onKept: (file) => kept.push(file),
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'missing', 'failed']);
    const runs = readRuns(path.join(root, 'bench', 'history'));
    expect(runs.map((r) => r.file)).toEqual(kept);
    const [only] = runs;
    expect(only?.run).toMatchObject({
      schema: 1,
      kind: 'full',
      source: 'npm run bench',
      // The temporary root is no git work tree: no commit to name.
      commit: null,
      dirty: null,
      machine: { node: process.version },
      modules: [
        { name: 'good', status: 'ok' },
        { name: 'notWrittenYet', status: 'missing', seconds: 0 },
        { name: 'partial', status: 'failed', reason: 'did not report partial.b' },
      ],
      metrics: [
        { metric: 'good.speed', value: 20, unit: 'records/s', target: 15, better: 'higher', met: true },
        { metric: 'partial.a', value: 1, unit: 'ms', target: 5, better: 'lower', met: true },
      ],
    });
    expect(only?.run.machine.cores).toBeGreaterThan(0);
    expect(only?.run.machine.loadAverage.oneMinute).toBeGreaterThanOrEqual(0);
    expect(Date.parse(only?.run.startedAt ?? '')).toBeGreaterThanOrEqual(startedBefore - 1000);
    expect(only?.run.totalSeconds).toBeGreaterThan(0);
  });

  it('names the commit measured and whether tracked files had changes', async () => {
    const root = mkdtempSync(path.join(dir, 'git-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', root, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' });
    git('init', '-q');
    writeFileSync(path.join(root, 'a.txt'), 'a');
    git('add', 'a.txt');
    git('commit', '-qm', 'a');
    const head = git('rev-parse', 'HEAD').trim();
    writeFileSync(path.join(root, 'a.txt'), 'changed');
    await runBenchmarks({ quick: false, root, benchDir: dir, benchmarks: [{ name: 'good', metrics: [] }] });
    const [kept] = readRuns(path.join(root, 'bench', 'history'));
    expect(kept?.run).toMatchObject({ commit: head, dirty: true });
  });

  it('marks a run with --only as partial, and keeps no quick run', async () => {
    const root = mkdtempSync(path.join(dir, 'partial-'));
    const benchmarks = [
      { name: 'good', metrics: ['good.speed'] },
      { name: 'partial', metrics: [] },
    ];
    await runBenchmarks({ quick: true, root, benchDir: dir, benchmarks });
    expect(existsSync(path.join(root, 'bench', 'history'))).toBe(false);
    await runBenchmarks({ quick: false, only: ['good'], root, benchDir: dir, benchmarks });
    const runs = readRuns(path.join(root, 'bench', 'history'));
    expect(runs.map((r) => [r.run.kind, r.run.source, r.run.metrics.map((m) => m.metric)])).toEqual([
      ['partial', 'npm run bench -- --only good', ['good.speed']],
    ]);
  });

  it('judges targets by direction', () => {
    expect(meetsTarget({ metric: 'm', value: 20, unit: 'ms', target: 25, better: 'lower' })).toBe(true);
    expect(meetsTarget({ metric: 'm', value: 30, unit: 'ms', target: 25, better: 'lower' })).toBe(false);
    expect(meetsTarget({ metric: 'm', value: 30, unit: 'x', target: 25, better: 'higher' })).toBe(true);
  });
});

describe('benchEnvironment', () => {
  it('prefixes the command with the benchmarks’ own settings, sorted, and nothing else of the environment', () => {
    expect(benchEnvironment({ PATH: '/usr/bin', INGEST_STEPS: '3', INGEST_ARRIVALS: 'burst' })).toBe(
      'INGEST_ARRIVALS=burst INGEST_STEPS=3 ',
    );
    expect(benchEnvironment({ PATH: '/usr/bin' })).toBe('');
  });
});
