/**
 * stack.startupMs: time from `alleycat start --no-sim --in-memory` being
 * launched (a fresh process, as a user runs it) until `.alleycat/endpoints.json`
 * exists. The process is then stopped with SIGTERM. Full: the median of 3
 * starts; quick: one.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../local/emulators/freePort.js';
import type { BenchOptions, BenchResult } from './types.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function oneStart(): Promise<number> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'alleycat-startup-'));
  const file = path.join(cwd, '.alleycat', 'endpoints.json');
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(REPO, 'bin', 'alleycat.mjs'), 'start', '--port', String(port), '--no-sim', '--in-memory'],
    {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    for (;;) {
      if (fs.existsSync(file)) break;
      if (child.exitCode !== null)
        throw new Error(`alleycat start exited with ${child.exitCode}: ${stderr.slice(-500)}`);
      if (performance.now() - started > 120_000) throw new Error('the stack did not start within 120 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    // A stack that does not stop within 15 s is killed, and the log says so: the figure is the start's.
    const stopped = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 15_000, false))]);
    if (!stopped) {
      console.error(`stackStartup: alleycat start did not stop within 15 s of SIGTERM; killed. ${stderr.slice(-500)}`);
      child.kill('SIGKILL');
      await exited;
    }
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const runs = opts.quick ? 1 : 3;
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    opts.progress?.(`start ${i + 1}/${runs}`);
    times.push(await oneStart());
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  return [{ metric: 'stack.startupMs', value: Math.round(median), unit: 'ms', target: 15_000, better: 'lower' }];
}
