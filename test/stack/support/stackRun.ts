/**
 * One run of probedStack.ts in a child process on a given state directory:
 * started (resolves when the stack says it is ready), killed with SIGKILL, or
 * stopped with SIGTERM; either way its emulators must not outlive it.
 */
import path from 'node:path';
import type { Endpoints } from '../../../local/stack/endpointsFile.js';
import { freePort } from '../../../local/emulators/freePort.js';
import { alive, readJson, REPO, run, waitFor } from './processes.js';

export interface ProbeOptions {
  raceSeconds: number;
  windowSeconds: number;
  closeScheduleMs: number;
}

export interface StackRun {
  pid: number;
  endpoints: Endpoints;
  emulatorPids: { dynamodb: number; kinesis: number };
  proc: ReturnType<typeof run>;
}

interface Ready {
  ready: true;
  pids: { dynamodb: number; kinesis: number };
}

/** Every process started here, for the test's cleanup. */
export const startedRuns: StackRun['proc'][] = [];

export async function startStackRun(stateDir: string, options: ProbeOptions): Promise<StackRun> {
  const port = await freePort();
  const script = path.join(REPO, 'test', 'stack', 'support', 'probedStack.ts');
  const proc = run(
    process.execPath,
    ['--import', 'tsx', script, stateDir, String(port), JSON.stringify(options)],
    REPO,
  );
  startedRuns.push(proc);
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  const ready = await waitFor(
    () => {
      if (exited) throw new Error(`the stack exited while starting:\n${proc.output().slice(-3000)}`);
      const line = proc
        .output()
        .split('\n')
        .find((l) => l.startsWith('{"ready"'));
      return line ? (JSON.parse(line) as Ready) : undefined;
    },
    120_000,
    'the stack to start',
  );
  const endpoints = readJson<Endpoints>(path.join(stateDir, 'endpoints.json'));
  if (!endpoints) throw new Error('the ready stack wrote no endpoints.json');
  return { pid: proc.child.pid as number, endpoints, emulatorPids: ready.pids, proc };
}

/** SIGKILL, then waits for the emulators to go too (DynamoDB Local on its stdin closing, kinesalite on IPC disconnect). */
export async function killStackRun(r: StackRun): Promise<{ signal: NodeJS.Signals | null }> {
  r.proc.child.kill('SIGKILL');
  await r.proc.exited;
  await waitFor(
    () => !alive(r.emulatorPids.dynamodb) && !alive(r.emulatorPids.kinesis),
    20_000,
    'the emulators of the killed stack to exit',
  );
  return { signal: r.proc.child.signalCode };
}

/** SIGTERM: the stack stops cleanly (exit code 0) and takes its emulators with it. */
export async function stopStackRun(r: StackRun): Promise<number | null> {
  r.proc.child.kill('SIGTERM');
  const code = await r.proc.exited;
  await waitFor(
    () => !alive(r.emulatorPids.dynamodb) && !alive(r.emulatorPids.kinesis),
    20_000,
    'the emulators to stop',
  );
  return code;
}
