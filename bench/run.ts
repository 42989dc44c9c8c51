/**
 * The benchmark runner behind `npm run bench`: runs every module in
 * BENCHMARKS, each in its own process, prints a table (metric, value, unit,
 * target, met?) and writes `bench/results.json`. A run that is not --quick is
 * also kept in `bench/history/<start>.json` (bench/history.ts): `full` when
 * every module ran, `partial` with --only. Quick runs are not kept: their
 * reduced sizes make figures that no target is about.
 *
 * A module whose file does not exist yet is reported as "missing" (never
 * silently skipped); a module that throws, exits, times out or returns
 * malformed results is reported as "failed". "met?" is informational: figures
 * on shared machines are noisy, so timing never decides the exit code.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChildMessage } from './runModule.js';
import { commitOf, HISTORY_DIR, keepRun, keptMetric, machineNow, type KeptRun } from './history.js';
import { type BenchResult, isBenchResult, meetsTarget } from './types.js';

/** One benchmark module and the metric ids it must report. */
export interface BenchmarkEntry {
  name: string;
  /** Metric ids the module must return (names that results.json and the docs rely on). Empty = any. */
  metrics: readonly string[];
  /** Hang guard of a full run when the module needs longer than the default (45 min). */
  fullTimeoutMs?: number;
}

/** The benchmark modules, in the order they run (cheap ones first). */
export const BENCHMARKS: readonly BenchmarkEntry[] = [
  { name: 'webBundle', metrics: ['web.mainJsGzipKb'] },
  { name: 'webFirstRender', metrics: ['web.liveFirstRenderMs'] },
  { name: 'aggregatorCore', metrics: ['aggregator.recordsPerSecond'] },
  { name: 'liveWrites', metrics: ['live.writesPerShardWindow', 'live.writesPerShardWindowSixClasses'] },
  { name: 'liveBoard', metrics: ['live.meteredMessagesPerViewerWindow'] },
  { name: 'bigClassDelivery', metrics: ['live.largestClassRiders', 'live.bandFreshnessP99Ms'] },
  { name: 'appsyncOverhead', metrics: ['appsync.resolverOverheadMsPerField'] },
  { name: 'queries', metrics: ['query.raceResultsTop100P95Ms', 'query.allTimeTop100P95Ms'] },
  {
    name: 'fanout',
    metrics: ['fanout.p99Ms', 'fanout.idleConnectionsRssMb', 'fanout.completeBoardMessagesPerViewerWindow'],
  },
  { name: 'esmThroughput', metrics: ['esm.recordsPerSecond'] },
  { name: 'stackStartup', metrics: ['stack.startupMs'] },
  {
    name: 'ingest',
    metrics: [
      'ingest.kneeRecordsPerSecond',
      'ingest.sustainedRecordsPerSecond',
      'ingest.maxIteratorAgeMs',
      'e2e.freshnessP95Ms',
      'e2e.freshnessMissedShare',
      'live.writeReduction',
    ],
    // Up to 6 steps, each a full race in its own slot; a step spans two 5-minute slots (its race, the wait for the next).
    fullTimeoutMs: 90 * 60_000,
  },
];

export type ModuleOutcome =
  | { name: string; status: 'ok'; ms: number; results: BenchResult[] }
  | { name: string; status: 'missing'; ms: 0; metrics: readonly string[] }
  | { name: string; status: 'failed'; ms: number; reason: string; log: string; results: BenchResult[] };

export interface RunOptions {
  quick: boolean;
  /** Run only these modules (results.json keeps the other modules' previous figures). */
  only?: readonly string[] | undefined;
  /** Repository root (defaults to this file's parent folder); logs go to <root>/.alleycat/bench. */
  root?: string | undefined;
  /** Folder of the benchmark modules (defaults to <root>/bench). */
  benchDir?: string | undefined;
  /** The module list (defaults to BENCHMARKS). */
  benchmarks?: readonly BenchmarkEntry[] | undefined;
  /** Stop a module after this long (a hang guard, not a target; defaults: 300 s quick, the entry's fullTimeoutMs or 45 min full). */
  timeoutMs?: number | undefined;
  /** Called with "<module>: <message>" while a module runs. */
  onProgress?: ((module: string, message: string, elapsedMs: number) => void) | undefined;
  /** Called when a module starts and ends. */
  onModule?: ((module: string, event: 'start' | 'end', outcome?: ModuleOutcome) => void) | undefined;
  /** Where a run that is not quick is kept (defaults to <root>/bench/history; null: not kept). */
  historyDir?: string | null | undefined;
  /** Called with the kept run's file (defaults to a line on stderr). */
  onKept?: ((file: string) => void) | undefined;
}

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
/** tsx's loader, resolved from here so that modules outside the repository (tests) load too. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

let interrupted = false;

/** The benchmarks' environment settings (INGEST_STEPS, …) as a command prefix, so a kept run says how it was run. */
export function benchEnvironment(env: NodeJS.ProcessEnv = process.env): string {
  return Object.keys(env)
    .filter((name) => name.startsWith('INGEST_'))
    .sort()
    .map((name) => `${name}=${env[name] ?? ''} `)
    .join('');
}

/** True when the last run was stopped by SIGINT/SIGTERM (its outcomes are partial). */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Runs the benchmark modules one after the other (until SIGINT/SIGTERM, which stops the running one). */
export async function runBenchmarks(options: RunOptions): Promise<ModuleOutcome[]> {
  const root = options.root ?? path.dirname(BENCH_DIR);
  const benchDir = options.benchDir ?? path.join(root, 'bench');
  const all = options.benchmarks ?? BENCHMARKS;
  const unknown = (options.only ?? []).filter((n) => !all.some((b) => b.name === n));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s): ${unknown.join(', ')} (known: ${all.map((b) => b.name).join(', ')})`);
  const selected = options.only ? all.filter((b) => options.only?.includes(b.name)) : all;
  const outcomes: ModuleOutcome[] = [];
  interrupted = false;
  // The state the run starts in, kept with its figures: timings depend on the machine's load.
  const startedAt = new Date();
  const machine = machineNow();
  const { commit, dirty } = commitOf(root);
  for (const entry of selected) {
    if (interrupted) break;
    options.onModule?.(entry.name, 'start');
    const outcome = existsSync(path.join(benchDir, `${entry.name}.ts`))
      ? await runOne(entry, path.join(benchDir, `${entry.name}.ts`), root, options)
      : ({ name: entry.name, status: 'missing', ms: 0, metrics: entry.metrics } as const);
    outcomes.push(outcome);
    options.onModule?.(entry.name, 'end', outcome);
  }
  const historyDir = options.historyDir === undefined ? path.join(root, HISTORY_DIR) : options.historyDir;
  // An interrupted run's figures are partial in a way nobody chose: not kept.
  if (!options.quick && historyDir !== null && !interrupted) {
    const run: KeptRun = {
      schema: 1,
      kind: options.only ? 'partial' : 'full',
      source: `${benchEnvironment()}npm run bench${options.only ? ` -- --only ${options.only.join(',')}` : ''}`,
      startedAt: startedAt.toISOString(),
      totalSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      commit,
      dirty,
      machine,
      modules: outcomes.map((o) => ({
        name: o.name,
        status: o.status,
        seconds: Math.round(o.ms / 100) / 10,
        ...(o.status === 'failed' ? { reason: o.reason.split('\n')[0] ?? '' } : {}),
      })),
      metrics: collectResults(outcomes).map(keptMetric),
    };
    const file = keepRun(historyDir, run);
    (options.onKept ?? ((f) => console.error(`alleycat bench: kept this run in ${path.relative(root, f)}`)))(file);
  }
  return outcomes;
}

function runOne(entry: BenchmarkEntry, file: string, root: string, options: RunOptions): Promise<ModuleOutcome> {
  const logDir = path.join(root, '.alleycat', 'bench');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${entry.name}.log`);
  const logFd = openSync(logFile, 'w');
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? (options.quick ? 300_000 : entry.fullTimeoutMs ?? 45 * 60_000);
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, path.join(BENCH_DIR, 'runModule.ts'), file, ...(options.quick ? ['--quick'] : [])],
    // Own process group, so a timed-out module's emulators go down with it.
    { cwd: root, stdio: ['ignore', logFd, logFd, 'ipc'], detached: true },
  );
  closeSync(logFd);
  let results: unknown;
  let error: string | undefined;
  let timedOut = false;
  child.on('message', (raw: unknown) => {
    const message = raw as ChildMessage;
    if (message.type === 'progress') options.onProgress?.(entry.name, String(message.message), Date.now() - started);
    else if (message.type === 'results') results = message.results;
    else if (message.type === 'error') error = message.stack ?? message.message;
  });
  // The child has its own process group, so Ctrl-C on the runner does not reach it: pass it on,
  // and run no further module.
  const forward = () => {
    interrupted = true;
    killGroup(child.pid, 'SIGTERM');
    setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3_000).unref();
  };
  process.once('SIGINT', forward);
  process.once('SIGTERM', forward);
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGTERM');
    setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000).unref();
  }, timeoutMs);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      // Whatever the module started in its group (emulators) ends with it.
      killGroup(child.pid, 'SIGTERM');
      const ms = Date.now() - started;
      const log = tail(logFile, 20);
      const fail = (reason: string, partial: BenchResult[] = []): ModuleOutcome => ({
        name: entry.name,
        status: 'failed',
        ms,
        reason,
        log,
        results: partial,
      });
      if (timedOut) return resolve(fail(`timed out after ${Math.round(timeoutMs / 1000)} s`));
      if (interrupted) return resolve(fail('interrupted'));
      if (error !== undefined) return resolve(fail(`threw: ${error}`));
      if (code !== 0) return resolve(fail(`exited with ${signal ?? `code ${code}`}`));
      if (!Array.isArray(results)) return resolve(fail('returned no results array'));
      const good = results.filter(isBenchResult);
      if (good.length !== results.length)
        return resolve(fail(`returned ${results.length - good.length} malformed result(s)`, good));
      const absent = entry.metrics.filter((m) => !good.some((r) => r.metric === m));
      if (absent.length > 0) return resolve(fail(`did not report ${absent.join(', ')}`, good));
      if (good.length === 0) return resolve(fail('returned no results'));
      resolve({ name: entry.name, status: 'ok', ms, results: good });
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (err) {
    // ESRCH: the group is already gone, which is what we wanted.
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function tail(file: string, lines: number): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** All results of a run (partial results of failed modules included). */
export function collectResults(outcomes: readonly ModuleOutcome[]): BenchResult[] {
  return outcomes.flatMap((o) => (o.status === 'missing' ? [] : o.results));
}

/**
 * Writes results.json: the results of this run; with `only`, the previous
 * figures of the modules that did not run are kept.
 */
export function writeResults(file: string, results: readonly BenchResult[], keepPrevious: boolean): BenchResult[] {
  let merged: BenchResult[] = [...results];
  if (keepPrevious && existsSync(file)) {
    const previous: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(previous)) {
      const fresh = new Set(results.map((r) => r.metric));
      merged = [...previous.filter(isBenchResult).filter((r) => !fresh.has(r.metric)), ...results];
    }
  }
  const clean = merged.map(({ metric, value, unit, target, better, note }) => ({
    metric,
    value,
    unit,
    target,
    better,
    ...(note !== undefined ? { note } : {}),
  }));
  writeFileSync(file, `${JSON.stringify(clean, null, 2)}\n`);
  return clean;
}

/** Formats a figure with sensible precision. */
export function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The table the command prints: one row per metric, then missing and failed modules. */
export function formatTable(outcomes: readonly ModuleOutcome[]): string {
  const rows: string[][] = [['metric', 'value', 'unit', 'target', 'met?']];
  for (const o of outcomes) {
    if (o.status === 'missing') {
      for (const m of o.metrics.length > 0 ? o.metrics : [`(${o.name})`])
        rows.push([m, '-', '', '', `MISSING (bench/${o.name}.ts)`]);
      continue;
    }
    for (const r of o.results)
      rows.push([
        r.metric,
        formatValue(r.value),
        r.unit,
        `${r.better === 'higher' ? '>=' : '<='} ${formatValue(r.target)}`,
        meetsTarget(r) ? 'yes' : 'no',
      ]);
    if (o.status === 'failed') rows.push([`(${o.name})`, '-', '', '', `FAILED: ${o.reason.split('\n')[0] ?? ''}`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => (i === 1 || i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
