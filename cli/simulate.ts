/**
 * `alleycat simulate --racers N [--classes 1,2] [--via kinesis|graphql]
 * [--endpoints .alleycat/endpoints.json] [--duration S]`:
 * rides races against a running stack until interrupted (or for S seconds),
 * with a progress line (updated in place on a terminal, plain lines otherwise).
 */
import path from 'node:path';
import { errorMessage } from '../lib/toError.js';
import type { Command } from './types.js';
import { readEndpointsFile } from '../local/simulator/endpoints.js';
import { formatProgress } from '../local/simulator/progress.js';
import type { Via } from '../local/simulator/startSimulator.js';
import { startSimulator } from '../local/simulator/startSimulator.js';

const USAGE = `usage: alleycat simulate --racers N [--classes 1,2] [--via kinesis|graphql] [--endpoints FILE] [--duration S]
  --racers     riders per class
  --classes    class ids (default: every class)
  --via        kinesis (PutRecords, default) or graphql (recordTelemetry, each rider signed in with their own token)
  --endpoints  the endpoints file (default .alleycat/endpoints.json)
  --duration   stop after S seconds (default: until Ctrl-C)`;

export interface SimulateArgs {
  racers: number;
  classes?: number[];
  via: Via;
  endpoints: string;
  durationSeconds?: number;
}

/** Parses the options; a string is the error to print. */
export function parseSimulateArgs(args: readonly string[]): SimulateArgs | string {
  const out: SimulateArgs = { racers: 0, via: 'kinesis', endpoints: path.join('.alleycat', 'endpoints.json') };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg !== '--racers' && arg !== '--classes' && arg !== '--via' && arg !== '--endpoints' && arg !== '--duration')
      return `unknown option "${arg}"`;
    if (value === undefined) return `${arg} needs a value`;
    i += 1;
    if (arg === '--racers') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 10_000) return `--racers must be an integer 1..10000, got "${value}"`;
      out.racers = n;
    } else if (arg === '--classes') {
      const ids = value.split(',').map((s) => Number(s.trim()));
      if (ids.some((n) => !Number.isInteger(n)))
        return `--classes must be a comma-separated list of class ids, got "${value}"`;
      out.classes = ids;
    } else if (arg === '--via') {
      if (value !== 'kinesis' && value !== 'graphql') return `--via must be kinesis or graphql, got "${value}"`;
      out.via = value;
    } else if (arg === '--endpoints') out.endpoints = value;
    else {
      const s = Number(value);
      if (!Number.isFinite(s) || s <= 0) return `--duration must be a positive number of seconds, got "${value}"`;
      out.durationSeconds = s;
    }
  }
  if (out.racers === 0) return '--racers is required';
  return out;
}

const run: Command = async (args) => {
  const parsed = parseSimulateArgs(args);
  if (typeof parsed === 'string') {
    console.error(`alleycat simulate: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  let endpoints;
  try {
    endpoints = await readEndpointsFile(parsed.endpoints);
  } catch (error) {
    console.error(`alleycat simulate: ${errorMessage(error)}`);
    return 1;
  }
  const tty = process.stdout.isTTY === true;
  let ticks = 0;
  let failed = 0;
  const sim = startSimulator({
    endpoints,
    racers: parsed.racers,
    ...(parsed.classes ? { classes: parsed.classes } : {}),
    via: parsed.via,
    onProgress: (p) => {
      ticks += 1;
      failed = p.failed;
      const line = formatProgress(p, endpoints.raceSeconds);
      if (tty) process.stdout.write(`\r\x1b[2K${line}`);
      else if (ticks % 5 === 1) console.log(line);
    },
  });
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (parsed.durationSeconds !== undefined) setTimeout(done, parsed.durationSeconds * 1000).unref();
  });
  await sim.stop();
  if (tty) process.stdout.write('\n');
  console.log(`alleycat simulate: stopped${failed > 0 ? ` (${failed} records failed after retries)` : ''}`);
  return failed > 0 ? 1 : 0;
};

export default run;
