/**
 * Child-process entry of the benchmark runner: loads one benchmark module,
 * runs it and sends its results to the parent over IPC. Each module runs in a
 * fresh process so that its memory, timers and sockets cannot skew another
 * module's figures (fanout.idleConnectionsRssMb especially), and so that a
 * module that hangs can be stopped without stopping the runner.
 *
 * Usage (by bench/run.ts only): node --import tsx bench/runModule.ts <module file> [--quick]
 */
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { BenchOptions } from './types.js';

/** Messages from the child to the runner. */
export type ChildMessage =
  | { type: 'progress'; message: string }
  | { type: 'results'; results: unknown }
  | { type: 'error'; message: string; stack?: string | undefined };

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      console.log(JSON.stringify(message));
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

function hasRun(value: unknown): value is { run: (opts: BenchOptions) => Promise<unknown> } {
  return typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function';
}

async function main(): Promise<void> {
  const [file, ...flags] = process.argv.slice(2);
  if (!file || !path.isAbsolute(file))
    throw new Error(`runModule: expected an absolute module path, got "${file ?? ''}"`);
  const mod: unknown = await import(pathToFileURL(file).href);
  if (!hasRun(mod)) throw new Error(`${path.basename(file)} does not export run(opts)`);
  const results = await mod.run({
    quick: flags.includes('--quick'),
    progress: (message: string) => void send({ type: 'progress', message }),
  });
  await send({ type: 'results', results });
}

main().then(
  // A module may leave handles open (clients with keep-alive agents); its
  // figures are in, so end the process rather than wait for them.
  () => process.exit(0),
  async (err: unknown) => {
    const error = err instanceof Error ? err : new Error(String(err));
    await send({ type: 'error', message: error.message, stack: error.stack });
    process.exit(1);
  },
);
