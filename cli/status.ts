/**
 * `alleycat status [--once] [--interval S] [--all] [--url URL] [--endpoints FILE]`:
 * live pipeline health of a running local stack. Reads .alleycat/endpoints.json,
 * polls `GET /ops/metrics` and shows one refreshing screen (alerts, event
 * sources, functions' metrics, real-time figures, each with a sparkline).
 * When stdout is not a terminal it prints plain snapshots instead of
 * redrawing; `--once` prints one and exits (1 when the stack cannot be reached).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, toError } from '../lib/toError.js';
import type { Command } from './types.js';
import { OpsUnavailableError } from '../local/ops/errors.js';
import { OPS_METRICS_PATH } from '../local/ops/opsHandler.js';
import { renderStatus } from '../local/ops/renderStatus.js';
import { isOpsSnapshot, type OpsSnapshot } from '../contract/opsMetrics.js';

const USAGE = `usage: alleycat status [--once] [--interval seconds] [--all] [--url URL] [--endpoints FILE]

  --once       print one snapshot and exit (exit code 1 if the stack cannot be reached)
  --interval   seconds between refreshes (default 2)
  --all        show every shard's iterator age, not only the maximum per consumer
  --url        the /ops/metrics URL (default: from the endpoints file)
  --endpoints  the endpoints file (default .alleycat/endpoints.json)`;

interface StatusArgs {
  once: boolean;
  all: boolean;
  intervalMs: number;
  url?: string | undefined;
  endpoints: string;
}

function parseArgs(args: readonly string[]): StatusArgs | string {
  const parsed: StatusArgs = {
    once: false,
    all: false,
    intervalMs: 2_000,
    endpoints: path.join('.alleycat', 'endpoints.json'),
  };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    const value = args[i + 1];
    if (arg === '--once') parsed.once = true;
    else if (arg === '--all') parsed.all = true;
    else if (arg === '--interval' || arg === '--url' || arg === '--endpoints') {
      if (value === undefined) return `${arg} needs a value`;
      i += 1;
      if (arg === '--interval') {
        const seconds = Number(value);
        if (!Number.isFinite(seconds) || seconds < 0.2 || seconds > 3600)
          return `--interval must be a number of seconds between 0.2 and 3600, got "${value}"`;
        parsed.intervalMs = seconds * 1000;
      } else if (arg === '--url') parsed.url = value;
      else parsed.endpoints = value;
    } else return `unknown option "${arg}"`;
  }
  return parsed;
}

/** The /ops/metrics URL of the stack described by an endpoints file. */
export function opsUrlFromEndpoints(file: string): string {
  if (!existsSync(file)) throw new OpsUnavailableError(`${file} not found: is the local stack running (npm start)?`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new OpsUnavailableError(`${file} is not valid JSON`, { cause: err });
  }
  if (typeof doc !== 'object' || doc === null) throw new OpsUnavailableError(`${file} is not an endpoints object`);
  const { opsUrl, graphqlUrl } = doc as Record<string, unknown>;
  if (typeof opsUrl === 'string') return opsUrl;
  if (typeof graphqlUrl !== 'string') throw new OpsUnavailableError(`${file} has no graphqlUrl`);
  return new URL(OPS_METRICS_PATH, graphqlUrl).href;
}

/** Fetches and checks one snapshot. */
export async function fetchSnapshot(url: string, timeoutMs = 3_000): Promise<OpsSnapshot> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    // A network failure is only "fetch failed"; the reason worth showing (ECONNREFUSED, ENOTFOUND) is its cause.
    const { cause } = toError(err);
    const reason = cause instanceof Error ? cause.message : errorMessage(err);
    throw new OpsUnavailableError(`cannot reach ${url}: ${reason}`, { cause: err });
  }
  if (!response.ok) throw new OpsUnavailableError(`${url} answered ${response.status} ${response.statusText}`);
  const body: unknown = await response.json();
  if (!isOpsSnapshot(body)) throw new OpsUnavailableError(`${url} did not return an ops snapshot`);
  return body;
}

const status: Command = async (args) => {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    console.error(`alleycat status: ${parsed}\n\n${USAGE}`);
    return 2;
  }
  let url: string;
  try {
    url = parsed.url ?? opsUrlFromEndpoints(parsed.endpoints);
  } catch (err) {
    console.error(`alleycat status: ${errorMessage(err)}`);
    return 1;
  }
  const render = (snapshot: OpsSnapshot) =>
    renderStatus(snapshot, { url, all: parsed.all, width: process.stdout.columns ?? 100 });
  if (parsed.once) {
    try {
      console.log(render(await fetchSnapshot(url)));
      return 0;
    } catch (err) {
      console.error(`alleycat status: ${errorMessage(err)}`);
      return 1;
    }
  }
  const tty = process.stdout.isTTY === true;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (tty) process.stdout.write('\x1b[?25l'); // hide the cursor while redrawing
  try {
    while (!stopped) {
      let text: string;
      try {
        text = render(await fetchSnapshot(url));
      } catch (err) {
        text = `alleycat status — ${url}\n\n${errorMessage(err)}\nretrying every ${
          parsed.intervalMs / 1000
        } s (Ctrl-C to quit)`;
      }
      // A terminal gets one screen redrawn in place; a pipe gets plain snapshots.
      process.stdout.write(tty ? `\x1b[H\x1b[2J${fitToScreen(text, process.stdout.rows ?? 0)}\n` : `${text}\n\n`);
      await sleepUnless(parsed.intervalMs, () => stopped);
    }
  } finally {
    if (tty) process.stdout.write('\x1b[?25h\n');
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
};

/** Keeps a redrawn screen within the terminal's rows (the alerts come first, so they always show). */
export function fitToScreen(text: string, rows: number): string {
  const lines = text.split('\n');
  if (rows < 5 || lines.length <= rows - 1) return text;
  return [
    ...lines.slice(0, rows - 2),
    `… ${lines.length - (rows - 2)} more lines: enlarge the terminal, or use --once`,
  ].join('\n');
}

async function sleepUnless(ms: number, done: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, Math.min(100, until - Date.now())));
}

export default status;
