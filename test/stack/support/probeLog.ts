/**
 * What probedStack.ts wrote about each invocation, read back by the test:
 * which records an invocation started with, whether the function returned
 * (`done`), and which records it finished with (those before its first
 * reported batch item failure: the mapping retries from there).
 */
import fs from 'node:fs';
import path from 'node:path';

/** Folder of the probe's files under the state directory. */
export const PROBE_DIR = 'probe';
/** While this file (in PROBE_DIR) names a function, its invocations holding finals are held (probedStack.ts). */
export const HOLD_FILE = 'hold';

/** One record of an invocation: Kinesis records carry their shard, DynamoDB Streams records do not. */
export interface ProbedRecord {
  shardId?: string;
  seq: string;
  /** A Kinesis record whose telemetry is a `final`. */
  final: boolean;
}

/** Written before the function runs. */
export interface StartEntry {
  fn: string;
  pid: number;
  n: number;
  records: ProbedRecord[];
  /** The final invocation of a tumbling window. */
  windowFinal: boolean;
}

/** Written once the function returned (or, for a held invocation, instead of running it). */
export interface DoneEntry {
  fn: string;
  pid: number;
  n: number;
  /** itemIdentifiers of the batch item failures it reported. */
  failed: string[];
}

export type InvocationState = 'started' | 'done' | 'held';

export interface Invocation extends StartEntry {
  state: InvocationState;
  failed: string[];
}

function readEntry<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Every invocation the probes of every run wrote, in no particular order. */
export function readInvocations(stateDir: string): Invocation[] {
  const dir = path.join(stateDir, PROBE_DIR);
  if (!fs.existsSync(dir)) return [];
  const names = new Set(fs.readdirSync(dir));
  const out: Invocation[] = [];
  for (const name of names) {
    if (!name.endsWith('.start.json') || name.startsWith('.')) continue;
    const id = name.slice(0, -'.start.json'.length);
    const start = readEntry<StartEntry>(path.join(dir, name));
    const endName = names.has(`${id}.done.json`)
      ? `${id}.done.json`
      : names.has(`${id}.held.json`)
      ? `${id}.held.json`
      : '';
    if (endName === '') {
      out.push({ ...start, state: 'started', failed: [] });
      continue;
    }
    const end = readEntry<DoneEntry>(path.join(dir, endName));
    out.push({ ...start, state: endName.endsWith('.done.json') ? 'done' : 'held', failed: end.failed });
  }
  return out;
}

/** The records an invocation finished with: none unless it returned, and only those before its first failure. */
export function completedRecords(invocation: Invocation): ProbedRecord[] {
  if (invocation.state !== 'done') return [];
  const failed = new Set(invocation.failed);
  const firstFailure = invocation.records.findIndex((r) => failed.has(r.seq));
  return firstFailure < 0 ? invocation.records : invocation.records.slice(0, firstFailure);
}

/** Arms (or, with undefined, disarms) the probe's hold for one function. */
export function armHold(stateDir: string, fn: string | undefined): void {
  const file = path.join(stateDir, PROBE_DIR, HOLD_FILE);
  if (fn === undefined) fs.rmSync(file, { force: true });
  else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, fn);
    fs.renameSync(`${file}.tmp`, file);
  }
}
