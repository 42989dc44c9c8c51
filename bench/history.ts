/**
 * Kept benchmark runs: every run that is not `--quick` leaves one dated file
 * in `bench/history/` (committed), holding each figure with its target, the
 * commit measured, and the machine's state when the run started. The README's
 * performance table is generated from these files (bench/perfTable.ts), so
 * every figure in it can be traced to a kept run. `bench/results.json` stays
 * the latest-run scratch file for tooling.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BenchResult, isBenchResult, meetsTarget } from './types.js';

/** A figure as kept: the result and whether it met its target. */
export interface KeptMetric extends BenchResult {
  met: boolean;
}

/** How one module of the run ended. */
export interface KeptModule {
  name: string;
  status: 'ok' | 'missing' | 'failed';
  seconds: number;
  /** Why a module failed (first line). */
  reason?: string;
}

/** Load averages when the run started (null: not recorded). */
export interface LoadAverage {
  oneMinute: number | null;
  fiveMinutes: number | null;
  fifteenMinutes: number | null;
}

/** The state the run started in. */
export interface RunMachine {
  cores: number | null;
  loadAverage: LoadAverage;
  node: string | null;
}

/** One kept run, as written to bench/history/<startedAt>.json. */
export interface KeptRun {
  schema: 1;
  /** `full`: every module of the list; `partial`: a run with --only. */
  kind: 'full' | 'partial';
  /** How the figures were obtained: the command run, or where they were transcribed from. */
  source: string;
  /** When the run started (ISO 8601, UTC). */
  startedAt: string;
  totalSeconds: number | null;
  /** The commit measured (null: not recorded). */
  commit: string | null;
  /** Whether tracked files differed from the commit when the run started (null: not recorded). */
  dirty: boolean | null;
  machine: RunMachine;
  /** How each module ended (null: not recorded). */
  modules: KeptModule[] | null;
  metrics: KeptMetric[];
}

/** Where kept runs live, under the repository root. */
export const HISTORY_DIR = path.join('bench', 'history');

const FILE_NAME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.json$/;

/** The file name of a run started at `startedAt`: `2026-12-06T23-40-12Z.json` (sorts by date). */
export function runFileName(startedAt: string): string {
  const iso = new Date(startedAt).toISOString();
  return `${iso.slice(0, 19).replaceAll(':', '-')}Z.json`;
}

function git(root: string, args: readonly string[]): string | null {
  const r = spawnSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The commit checked out at `root` and whether tracked files differ from it (nulls outside a git work tree). */
export function commitOf(root: string): { commit: string | null; dirty: boolean | null } {
  const commit = git(root, ['rev-parse', 'HEAD']);
  if (commit === null) return { commit: null, dirty: null };
  const status = git(root, ['status', '--porcelain', '--untracked-files=no']);
  return { commit, dirty: status === null ? null : status.length > 0 };
}

/** The machine's state now: core count, load averages, Node version. */
export function machineNow(): RunMachine {
  const [oneMinute, fiveMinutes, fifteenMinutes] = os.loadavg();
  const round = (n: number | undefined): number | null => (n === undefined ? null : Math.round(n * 100) / 100);
  return {
    cores: os.availableParallelism(),
    loadAverage: {
      oneMinute: round(oneMinute),
      fiveMinutes: round(fiveMinutes),
      fifteenMinutes: round(fifteenMinutes),
    },
    node: process.version,
  };
}

/** A figure as kept (only the fields of the agreed shape, in a stable order). */
export function keptMetric(r: BenchResult): KeptMetric {
  return {
    metric: r.metric,
    value: r.value,
    unit: r.unit,
    target: r.target,
    better: r.better,
    met: meetsTarget(r),
    ...(r.note !== undefined ? { note: r.note } : {}),
  };
}

/** Writes a run to `dir` under its dated name and returns the file's path; never overwrites a kept run. */
export function keepRun(dir: string, run: KeptRun): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, runFileName(run.startedAt));
  writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`, { flag: 'wx' });
  return file;
}

function isNullableNumber(v: unknown): v is number | null {
  return v === null || (typeof v === 'number' && Number.isFinite(v));
}

/** Guard for a kept run read back from disk. */
export function isKeptRun(value: unknown): value is KeptRun {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const machine = r.machine as Record<string, unknown> | null | undefined;
  const load = machine?.loadAverage as Record<string, unknown> | null | undefined;
  return (
    r.schema === 1 &&
    (r.kind === 'full' || r.kind === 'partial') &&
    typeof r.source === 'string' &&
    typeof r.startedAt === 'string' &&
    !Number.isNaN(Date.parse(r.startedAt)) &&
    isNullableNumber(r.totalSeconds) &&
    (r.commit === null || typeof r.commit === 'string') &&
    (r.dirty === null || typeof r.dirty === 'boolean') &&
    typeof machine === 'object' &&
    machine !== null &&
    isNullableNumber(machine.cores) &&
    (machine.node === null || typeof machine.node === 'string') &&
    typeof load === 'object' &&
    load !== null &&
    isNullableNumber(load.oneMinute) &&
    isNullableNumber(load.fiveMinutes) &&
    isNullableNumber(load.fifteenMinutes) &&
    (r.modules === null || Array.isArray(r.modules)) &&
    Array.isArray(r.metrics) &&
    r.metrics.every((m) => isBenchResult(m) && typeof (m as { met?: unknown }).met === 'boolean')
  );
}

/** Every kept run in `dir`, oldest first; a file that is not a kept run is an error, not skipped. */
export function readRuns(dir: string): Array<{ file: string; run: KeptRun }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      if (!FILE_NAME.test(name)) throw new Error(`${file}: not a kept run's name (YYYY-MM-DDTHH-MM-SSZ.json)`);
      const run: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (!isKeptRun(run)) throw new Error(`${file}: not a kept run (schema 1)`);
      if (runFileName(run.startedAt) !== name) throw new Error(`${file}: named for another date than its startedAt`);
      return { file, run };
    });
}

/** The newest kept full run in `dir`, or undefined when none is kept. */
export function latestFullRun(dir: string): { file: string; run: KeptRun } | undefined {
  return readRuns(dir)
    .filter((r) => r.run.kind === 'full')
    .at(-1);
}
