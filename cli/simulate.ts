/**
 * `alleycat simulate --racers N [--classes 1,2] [--via kinesis|graphql]
 * [--endpoints .alleycat/endpoints.json] [--duration S]`:
 * rides races against a running stack until interrupted (or for S seconds),
 * with a progress line (updated in place on a terminal, plain lines otherwise).
 */
import path from 'node:path';
import { RACE_CLASSES } from '../core/raceClasses.js';
import { errorMessage } from '../lib/toError.js';
import type { Command } from './types.js';
import { enumFlag, FlagError, integerFlag, numberFlag, orList, readFlags } from '../lib/flags.js';
import { readEndpointsFile } from '../local/simulator/endpoints.js';
import { formatProgress } from '../local/simulator/progress.js';
import { unreachableEndpoints } from '../local/simulator/stackReachable.js';
import type { Via } from '../local/simulator/startSimulator.js';
import { startSimulator } from '../local/simulator/startSimulator.js';
import { commandLine } from './commandLine.js';

const CLASS_IDS = RACE_CLASSES.map((c) => c.classId);
const MAX_RACERS = 10_000;
/** A day: longer runs are better left to run until Ctrl-C. */
const MAX_DURATION_SECONDS = 86_400;

export const SIMULATE_USAGE = `usage: alleycat simulate --racers N [--classes 1,2] [--via kinesis|graphql] [--endpoints FILE] [--duration S]
  --racers     riders per class, 1 to ${MAX_RACERS}
  --classes    class ids, comma-separated: ${CLASS_IDS.join(', ')} (default: every class)
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

const FLAGS = {
  racers: { type: 'string' },
  classes: { type: 'string' },
  via: { type: 'string' },
  endpoints: { type: 'string' },
  duration: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseClasses(raw: string): number[] {
  const ids = raw.split(',').map((part) => {
    const id = /^\s*\d+\s*$/.test(part) ? Number(part) : NaN;
    if (!CLASS_IDS.includes(id))
      throw new FlagError(`--classes takes class ids from ${orList(CLASS_IDS)}, comma-separated; got "${raw}"`);
    return id;
  });
  return [...new Set(ids)];
}

/** Parses the options: the arguments, 'help', or a string that says what is wrong. */
export function parseSimulateArgs(args: readonly string[]): SimulateArgs | 'help' | string {
  try {
    const flags = readFlags(args, FLAGS);
    if (flags.help) return 'help';
    if (flags.racers === undefined) return '--racers is required';
    const out: SimulateArgs = {
      racers: integerFlag('--racers', flags.racers, 1, MAX_RACERS),
      via: flags.via === undefined ? 'kinesis' : enumFlag('--via', flags.via, ['kinesis', 'graphql'] as const),
      endpoints: flags.endpoints ?? path.join('.alleycat', 'endpoints.json'),
    };
    if (flags.classes !== undefined) out.classes = parseClasses(flags.classes);
    if (flags.duration !== undefined)
      out.durationSeconds = numberFlag('--duration', flags.duration, 1, MAX_DURATION_SECONDS, ' seconds');
    return out;
  } catch (err) {
    if (err instanceof FlagError) return err.message;
    throw err;
  }
}

const run: Command = async (args) => {
  const line = commandLine('simulate', parseSimulateArgs(args), SIMULATE_USAGE);
  if ('exit' in line) return line.exit;
  const parsed = line.args;
  let endpoints;
  try {
    endpoints = await readEndpointsFile(parsed.endpoints);
  } catch (error) {
    console.error(`alleycat simulate: ${errorMessage(error)}`);
    return 1;
  }
  // An endpoints file outlives a killed stack: make sure something answers before riding.
  const down = await unreachableEndpoints(endpoints, parsed.via);
  if (down.length > 0) {
    console.error(
      `alleycat simulate: the stack in ${parsed.endpoints} is not running (${down.join(
        '; ',
      )}).\n  Start it with \`npm start\`, or point --endpoints at a running one.`,
    );
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
