/**
 * `alleycat status [--once] [--interval S] [--all] [--url URL] [--endpoints FILE]`:
 * live pipeline health of a running local stack. Reads .alleycat/endpoints.json,
 * polls `GET /ops/metrics` and shows one refreshing screen (alerts, event
 * sources, functions' metrics, real-time figures, each with a sparkline).
 * On a terminal the screen is fitted to its rows and columns and `q` (or
 * Ctrl-C) quits, handing the terminal back as it was. When stdout is not a
 * terminal it prints plain snapshots instead of redrawing; `--once` prints one
 * and exits (1 when the stack cannot be reached).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, toError } from '../lib/toError.js';
import type { Command } from './types.js';
import { OpsUnavailableError } from '../local/ops/errors.js';
import { OPS_METRICS_PATH } from '../local/ops/opsHandler.js';
import { clip, fitRows, renderStatus } from '../local/ops/renderStatus.js';
import { FlagError, numberFlag, readFlags } from '../lib/flags.js';
import { openLiveScreen } from './liveScreen.js';
import { isOpsSnapshot, type OpsSnapshot } from '../contract/opsMetrics.js';
import { commandLine } from './commandLine.js';

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

const FLAGS = {
  once: { type: 'boolean' },
  all: { type: 'boolean' },
  interval: { type: 'string' },
  url: { type: 'string' },
  endpoints: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parses the options: the arguments, 'help', or a string that says what is wrong. */
export function parseStatusArgs(args: readonly string[]): StatusArgs | 'help' | string {
  try {
    const flags = readFlags(args, FLAGS);
    if (flags.help) return 'help';
    return {
      once: flags.once === true,
      all: flags.all === true,
      intervalMs:
        flags.interval === undefined ? 2_000 : numberFlag('--interval', flags.interval, 0.2, 3600, ' seconds') * 1000,
      url: flags.url === undefined ? undefined : httpUrl(flags.url),
      endpoints: flags.endpoints ?? path.join('.alleycat', 'endpoints.json'),
    };
  } catch (err) {
    if (err instanceof FlagError) return err.message;
    throw err;
  }
}

function httpUrl(raw: string): string {
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:')
    throw new FlagError(`--url must be an http(s) URL such as http://127.0.0.1:4000/ops/metrics, got "${raw}"`);
  return url.href;
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
  const line = commandLine('status', parseStatusArgs(args), USAGE);
  if ('exit' in line) return line.exit;
  const parsed = line.args;
  let url: string;
  try {
    url = parsed.url ?? opsUrlFromEndpoints(parsed.endpoints);
  } catch (err) {
    console.error(`alleycat status: ${errorMessage(err)}`);
    return 1;
  }
  if (parsed.once) {
    try {
      console.log(
        renderStatus(await fetchSnapshot(url), { url, all: parsed.all, width: process.stdout.columns ?? 100 }),
      );
      return 0;
    } catch (err) {
      console.error(`alleycat status: ${errorMessage(err)}`);
      return 1;
    }
  }
  return process.stdout.isTTY === true ? liveScreen(url, parsed) : plainSnapshots(url, parsed);
};

/** The text of one refresh: the snapshot, or why there is none. */
async function screenText(url: string, parsed: StatusArgs, size: { columns: number; rows?: number }, hint: string) {
  try {
    return renderStatus(await fetchSnapshot(url), {
      url,
      all: parsed.all,
      // One column spare: a line that fills the last column makes some terminals wrap.
      width: size.columns - 1,
      ...(size.rows === undefined ? {} : { rows: size.rows }),
      hint,
    });
  } catch (err) {
    const lines = [
      `alleycat status — ${hint} — ${url}`,
      '',
      errorMessage(err),
      `retrying every ${parsed.intervalMs / 1000} s`,
    ];
    const fitted = lines.map((line) => clip(line, size.columns - 1));
    return (size.rows === undefined ? fitted : fitRows(fitted, size.rows)).join('\n');
  }
}

/** A terminal: one screen redrawn in place until q or Ctrl-C. */
async function liveScreen(url: string, parsed: StatusArgs): Promise<number> {
  let wake: () => void = () => undefined;
  const screen = openLiveScreen(() => wake());
  let quitting = false;
  void screen.quit.then(() => {
    quitting = true;
    wake();
  });
  try {
    while (!quitting) {
      const text = await screenText(url, parsed, screen.size(), 'q quits');
      if (quitting) break;
      screen.draw(text);
      // The next refresh, or sooner on a resize or a quit.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, parsed.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    screen.close();
  }
  return 0;
}

/** Not a terminal (a pipe, a log): plain snapshots until SIGINT or SIGTERM. */
async function plainSnapshots(url: string, parsed: StatusArgs): Promise<number> {
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    while (!stopped) {
      process.stdout.write(`${await screenText(url, parsed, { columns: 101 }, 'Ctrl-C quits')}\n\n`);
      await sleepUnless(parsed.intervalMs, () => stopped);
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

async function sleepUnless(ms: number, done: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!done() && Date.now() < until) await new Promise((r) => setTimeout(r, Math.min(100, until - Date.now())));
}

export default status;
