/**
 * Starts kinesalite in a child process (its own core, so the event-source
 * runtime and the emulator do not share one event loop), on 127.0.0.1 only.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';
import { childReady } from './childReady.js';
import { freePort } from './freePort.js';
import { stopChild, type RunningEmulator } from './dynamodbLocal.js';

export interface KinesaliteOptions {
  port?: number;
  /** LevelDB directory; in memory if omitted. */
  dataDir?: string;
}

const main = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kinesaliteMain.cjs');

export async function startKinesalite(options: KinesaliteOptions = {}): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  const args = [String(port)];
  if (options.dataDir) {
    fs.mkdirSync(options.dataDir, { recursive: true });
    args.push(options.dataDir);
  }
  // fork gives an IPC channel: kinesaliteMain exits on 'disconnect' if we die.
  // Its own process group (a terminal's Ctrl-C reaches only the stack, which stops kinesalite last).
  const child = fork(main, args, { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [], detached: true });
  await childReady(child, port, 'kinesalite');
  return { endpoint: `http://127.0.0.1:${port}`, port, process: child, stop: () => stopChild(child) };
}
