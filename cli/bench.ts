/**
 * `alleycat bench [--quick] [--allow-missing] [--only a,b]` (`npm run bench`):
 * runs the benchmark modules listed in bench/run.ts, prints the table and
 * writes bench/results.json (plus bench/results.meta.json: when, quick or
 * full, and how each module ended).
 *
 * Exit code: 1 if a module failed, or is missing without --allow-missing;
 * whether targets are met never changes it (timings on shared machines are noisy).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../lib/toError.js';
import type { Command } from './types.js';
import { FlagError, orList, readFlags } from '../lib/flags.js';
import {
  BENCHMARKS,
  collectResults,
  formatTable,
  runBenchmarks,
  wasInterrupted,
  writeResults,
  type ModuleOutcome,
} from '../bench/run.js';
import { commandLine } from './commandLine.js';

const USAGE = `usage: alleycat bench [--quick] [--allow-missing] [--only name,name]

  --quick          reduced versions (the whole suite in under 2 minutes; what CI runs)
  --allow-missing  do not fail when a benchmark module does not exist yet
  --only           run only these modules: ${BENCHMARKS.map((b) => b.name).join(', ')}`;

interface BenchArgs {
  quick: boolean;
  allowMissing: boolean;
  only?: string[] | undefined;
}

const FLAGS = {
  quick: { type: 'boolean' },
  'allow-missing': { type: 'boolean' },
  only: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the options: the arguments, 'help', or a string that says what is wrong. */
export function parseBenchArgs(args: readonly string[]): BenchArgs | 'help' | string {
  try {
    const flags = readFlags(args, FLAGS);
    if (flags.help) return 'help';
    const parsed: BenchArgs = { quick: flags.quick === true, allowMissing: flags['allow-missing'] === true };
    if (flags.only !== undefined) {
      const names = BENCHMARKS.map((b) => b.name);
      parsed.only = flags.only.split(',').filter(Boolean);
      if (parsed.only.length === 0) return '--only needs a comma-separated list of module names';
      for (const name of parsed.only)
        if (!names.includes(name)) return `--only takes module names from ${orList(names)}, got "${name}"`;
    }
    return parsed;
  } catch (err) {
    if (err instanceof FlagError) return err.message;
    throw err;
  }
}

const bench: Command = async (args) => {
  const line = commandLine('bench', parseBenchArgs(args), USAGE);
  if ('exit' in line) return line.exit;
  const parsed = line.args;
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const tty = process.stderr.isTTY === true;
  let lastPrinted = 0;
  const started = Date.now();
  console.error(`alleycat bench: ${parsed.quick ? 'quick' : 'full'} run, logs in .alleycat/bench/<module>.log`);
  let outcomes: ModuleOutcome[];
  try {
    outcomes = await runBenchmarks({
      quick: parsed.quick,
      only: parsed.only,
      root,
      onModule: (name, event, outcome) => {
        if (event === 'start') {
          if (!tty) console.error(`  ${name} …`);
          return;
        }
        if (tty) process.stderr.write('\r\x1b[K');
        const status = outcome?.status === 'ok' ? 'ok' : outcome?.status === 'missing' ? 'MISSING' : 'FAILED';
        console.error(`  ${name.padEnd(16)} ${status.padEnd(8)} ${((outcome?.ms ?? 0) / 1000).toFixed(1)} s`);
      },
      onProgress: (name, message, elapsedMs) => {
        const text = `  ${name.padEnd(16)} ${(elapsedMs / 1000).toFixed(0)} s  ${message}`;
        if (tty) process.stderr.write(`\r\x1b[K${text.slice(0, (process.stderr.columns ?? 100) - 1)}`);
        else if (Date.now() - lastPrinted > 5_000) {
          // Not a terminal (CI logs): a progress line at most every 5 s.
          lastPrinted = Date.now();
          console.error(text);
        }
      },
    });
  } catch (err) {
    console.error(`alleycat bench: ${errorMessage(err)}`);
    return 2;
  }
  if (wasInterrupted()) {
    // Partial figures are not the latest run: results.json keeps the previous one.
    console.error('alleycat bench: interrupted; bench/results.json left as it was');
    console.log(`\n${formatTable(outcomes)}\n`);
    return 130;
  }
  const results = collectResults(outcomes);
  const resultsFile = path.join(root, 'bench', 'results.json');
  writeResults(resultsFile, results, parsed.only !== undefined);
  writeFileSync(
    path.join(root, 'bench', 'results.meta.json'),
    `${JSON.stringify(
      {
        finishedAt: new Date().toISOString(),
        mode: parsed.quick ? 'quick' : 'full',
        node: process.version,
        totalSeconds: Math.round((Date.now() - started) / 100) / 10,
        modules: outcomes.map((o) => ({ name: o.name, status: o.status, seconds: Math.round(o.ms / 100) / 10 })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\n${formatTable(outcomes)}\n`);
  const failed = outcomes.filter((o) => o.status === 'failed');
  const missing = outcomes.filter((o) => o.status === 'missing');
  for (const o of failed) {
    if (o.status !== 'failed') continue;
    console.error(`--- ${o.name} failed: ${o.reason}\n${o.log}\n`);
  }
  console.log(
    `wrote bench/results.json (${results.length} figures) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  if (missing.length > 0)
    console.error(
      `missing benchmark modules: ${missing.map((o) => o.name).join(', ')}${
        parsed.allowMissing ? ' (allowed by --allow-missing)' : ''
      }`,
    );
  if (failed.length > 0) return 1;
  return missing.length > 0 && !parsed.allowMissing ? 1 : 0;
};

export default bench;
