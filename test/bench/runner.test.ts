/**
 * The benchmark runner runs real modules in child processes: these tests give
 * it small modules written to a temporary folder.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectResults, formatTable, runBenchmarks, writeResults } from '../../bench/run.js';
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

  it('writes results.json in the agreed shape, keeping other modules’ figures on a partial run', () => {
    const file = path.join(dir, 'results.json');
    writeResults(file, [{ metric: 'a.x', value: 1, unit: 'ms', target: 2, better: 'lower' }], false);
    writeResults(file, [{ metric: 'b.y', value: 3, unit: 'x', target: 2, better: 'higher' }], true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual([
      { metric: 'a.x', value: 1, unit: 'ms', target: 2, better: 'lower' },
      { metric: 'b.y', value: 3, unit: 'x', target: 2, better: 'higher' },
    ]);
  });

  it('judges targets by direction', () => {
    expect(meetsTarget({ metric: 'm', value: 20, unit: 'ms', target: 25, better: 'lower' })).toBe(true);
    expect(meetsTarget({ metric: 'm', value: 30, unit: 'ms', target: 25, better: 'lower' })).toBe(false);
    expect(meetsTarget({ metric: 'm', value: 30, unit: 'x', target: 25, better: 'higher' })).toBe(true);
  });
});
