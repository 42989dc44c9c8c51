/**
 * The `alleycat` commands a new user runs beside a stack, as real processes in
 * one state folder: a second `start` refuses the folder a running stack holds
 * (and names it); `status` on a real terminal (a pty made by util-linux
 * `script`, 80×24) fits the screen and quits on q or Ctrl-C, handing the
 * terminal back; once the stack is killed with kill -9 its lock is stale,
 * `simulate` says the stack is not running and exits 1, and a new `start`
 * takes the folder over.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../local/stack/endpointsFile.js';
import { LOCK_FILE } from '../../local/stack/stateLock.js';
import { alive, descendantsOf, readJson, REPO, run, waitFor } from './support/processes.js';

const BIN = path.join(REPO, 'bin', 'alleycat.mjs');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-cli-'));
const endpointsFile = path.join(tmp, '.alleycat', 'endpoints.json');
const lockFile = path.join(tmp, '.alleycat', LOCK_FILE);
const started: ReturnType<typeof run>[] = [];

function start(): ReturnType<typeof run> {
  const proc = run(process.execPath, [BIN, 'start', '--port', '0', '--no-sim', '--in-memory'], tmp);
  started.push(proc);
  return proc;
}

/** Waits for a stack's endpoints file and returns it. */
function ready(proc: ReturnType<typeof run>, other?: Endpoints): Promise<Endpoints> {
  return waitFor(
    () => {
      const e = readJson<Endpoints>(endpointsFile);
      return e && e.graphqlUrl !== other?.graphqlUrl ? e : undefined;
    },
    120_000,
    () => `endpoints.json (output: ${proc.output()})`,
  );
}

let first: ReturnType<typeof run>;
let firstEndpoints: Endpoints;
let firstDescendants: number[] = [];

beforeAll(async () => {
  first = start();
  firstEndpoints = await ready(first);
  firstDescendants = descendantsOf(first.child.pid as number);
}, 130_000);

afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await waitFor(() => firstDescendants.every((p) => !alive(p)), 15_000, 'the emulators to exit').catch(() => {
    for (const p of firstDescendants) if (alive(p)) process.kill(p, 'SIGKILL');
  });
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Runs `alleycat status` on a pseudo-terminal of 80×24; `keys` are typed once the first screen is drawn. */
async function statusOnTerminal(opsUrl: string, keys: string): Promise<{ code: number | null; screen: string }> {
  // After status quits, the shell reports its exit code and the terminal's modes (raw mode must be undone).
  const command = `stty rows 24 cols 80; ${process.execPath} ${BIN} status --url ${opsUrl} --interval 0.5; echo "status exited $?"; stty -a`;
  const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
    cwd: tmp,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TERM: 'xterm' },
  });
  let screen = '';
  child.stdout.on('data', (b: Buffer) => {
    screen += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(() => screen.includes('REAL-TIME'), 60_000, `the first screen (got ${JSON.stringify(screen)})`);
    child.stdin.write(keys);
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
    if (code === 'hung') throw new Error(`status did not quit on ${JSON.stringify(keys)}`);
    return { code: Number(/status exited (\d+)/.exec(screen)?.[1] ?? NaN), screen };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** The last frame drawn (after the last home-and-clear), as lines. */
function lastFrame(screen: string): string[] {
  const frame = screen.slice(screen.lastIndexOf('\x1b[H\x1b[2J') + '\x1b[H\x1b[2J'.length);
  return frame.slice(0, frame.indexOf('\x1b[?25h')).split(/\r?\n/);
}

describe('alleycat commands beside a running stack (child processes)', () => {
  it('a second start in the same folder refuses, naming the running stack, and leaves its endpoints alone', async () => {
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { pid: number; graphqlUrl: string };
    expect(lock).toMatchObject({ pid: first.child.pid, graphqlUrl: firstEndpoints.graphqlUrl });
    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(
      `${path.join(tmp, '.alleycat')} is in use by a running stack (pid ${first.child.pid}, started `,
    );
    expect(second.output()).toContain(`GraphQL at ${firstEndpoints.graphqlUrl}`);
    expect(second.output()).toContain(`kill ${first.child.pid}`);
    expect(readJson<Endpoints>(endpointsFile)).toEqual(firstEndpoints);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toEqual(lock);
  }, 60_000);

  it.each([
    ['q', 'q'],
    ['Ctrl-C', '\u0003'],
  ])(
    'status on an 80×24 terminal keeps its title in view and quits on %s, restoring the terminal',
    async (_name, key) => {
      const opsUrl = new URL('/ops/metrics', firstEndpoints.graphqlUrl).href;
      const { code, screen } = await statusOnTerminal(opsUrl, key);
      expect(code).toBe(0);
      // Alternate screen and hidden cursor on start; cursor and main screen back on exit, in that order.
      expect(screen.indexOf('\x1b[?1049h')).toBeGreaterThanOrEqual(0);
      expect(screen.lastIndexOf('\x1b[?25h')).toBeLessThan(screen.lastIndexOf('\x1b[?1049l'));
      // The terminal is back in its usual mode: line editing and echo on.
      const modes = screen.slice(screen.indexOf('status exited'));
      expect(modes).toMatch(/(^|\s)icanon(\s|;|$)/m);
      expect(modes).toMatch(/(^|\s)echo(\s|;|$)/m);
      const lines = lastFrame(screen);
      expect(lines[0]).toMatch(/^alleycat status — \d\d:\d\d:\d\d UTC, up .* — q quits — http/);
      expect(lines.length).toBeLessThanOrEqual(23);
      for (const line of lines) expect([...line].length).toBeLessThan(80);
    },
    90_000,
  );

  it('simulate --help prints the usage; bad flags exit 2 without a stack trace', async () => {
    const help = run(process.execPath, [BIN, 'simulate', '--help'], tmp);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('usage: alleycat simulate --racers N');
    const classes = run(process.execPath, [BIN, 'simulate', '--racers', '5', '--classes', '9'], tmp);
    expect(await classes.exited).toBe(2);
    expect(classes.output()).toContain('--classes takes class ids from 1, 2, 3, 4, 5 or 6, comma-separated; got "9"');
    expect(classes.output()).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('after kill -9: simulate says the stack is not running (exit 1); a new start takes the stale lock over', async () => {
    first.child.kill('SIGKILL');
    await first.exited;
    // The dead stack's files stay behind: that is what a crash leaves.
    expect(fs.existsSync(lockFile)).toBe(true);
    expect(fs.existsSync(endpointsFile)).toBe(true);
    await waitFor(() => firstDescendants.every((p) => !alive(p)), 30_000, 'the killed stack’s emulators to exit');

    const sim = run(process.execPath, [BIN, 'simulate', '--racers', '1', '--duration', '5'], tmp);
    expect(await sim.exited).toBe(1);
    expect(sim.output()).toContain(`the stack in ${path.join('.alleycat', 'endpoints.json')} is not running`);
    expect(sim.output()).toContain(`nothing answers at GraphQL ${firstEndpoints.graphqlUrl}`);

    const next = start();
    const nextEndpoints = await ready(next, firstEndpoints);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({
      pid: next.child.pid,
      graphqlUrl: nextEndpoints.graphqlUrl,
    });
    next.child.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    // A clean stop leaves neither lock nor endpoints behind.
    expect(fs.existsSync(lockFile)).toBe(false);
    expect(fs.existsSync(endpointsFile)).toBe(false);
  }, 180_000);
});
