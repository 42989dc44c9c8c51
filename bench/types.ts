/**
 * The benchmark module convention: each benchmark is a module
 * `bench/<name>.ts` exporting
 *
 * ```ts
 * export async function run(opts: BenchOptions): Promise<BenchResult[]>;
 * ```
 *
 * `bench/run.ts` lists the modules, runs each in its own Node process (so one
 * module's memory, timers and sockets cannot skew another's figures) and
 * writes every result to `bench/results.json`.
 */

/** One measured figure. `target` is the goal; whether it is met is informational. */
export interface BenchResult {
  /** Stable id, e.g. `aggregator.recordsPerSecond` (results.json is compared by it across runs). */
  metric: string;
  value: number;
  /** e.g. `records/s`, `ms`, `MB`, `KB`, `x`. */
  unit: string;
  target: number;
  /** Whether a higher or a lower value is better (decides "met?"). */
  better: 'higher' | 'lower';
  /** Other figures of the same measurement worth reading beside it, e.g. `p50 3,235 ms` (shown in the README's table). */
  note?: string;
}

/** What the runner hands every module. */
export interface BenchOptions {
  /** Reduced version: the whole quick suite must finish in under 2 minutes. */
  quick: boolean;
  /**
   * Reports progress of a long benchmark (a short line, e.g. "race 2/6, 41%").
   * The runner shows the latest line; optional so that modules written as
   * `run(opts: { quick: boolean })` fit the convention too.
   */
  progress?: (message: string) => void;
}

/** A benchmark module as loaded by the runner. */
export interface BenchModule {
  run(opts: BenchOptions): Promise<BenchResult[]>;
}

/** Whether a figure meets its target. */
export function meetsTarget(result: BenchResult): boolean {
  return result.better === 'higher' ? result.value >= result.target : result.value <= result.target;
}

/** Guard for values coming back from a module (or from results.json). */
export function isBenchResult(value: unknown): value is BenchResult {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  return (
    typeof r.metric === 'string' &&
    r.metric.length > 0 &&
    typeof r.value === 'number' &&
    Number.isFinite(r.value) &&
    typeof r.unit === 'string' &&
    typeof r.target === 'number' &&
    Number.isFinite(r.target) &&
    (r.better === 'higher' || r.better === 'lower') &&
    (r.note === undefined || typeof r.note === 'string')
  );
}
