/**
 * The local stack as a process of its own, for the crash test: the real
 * functions run, and the probe writes what each invocation held to
 * `<stateDir>/probe/` (probeLog.ts reads it):
 * - `<pid>-<n>.start.json` before the function runs (its records),
 * - `<pid>-<n>.done.json` after the function returned (its batch item failures),
 * - `<pid>-<n>.held.json` instead of `done` when the hold is armed (below).
 * Each file is written whole and renamed into place, so the test sees what
 * reached each function even when this process is killed with SIGKILL, and
 * never reads a half-written entry (a rename is atomic, an append is not).
 *
 * The hold: while `<stateDir>/probe/hold` names a function, an invocation of
 * it whose records include a `final` telemetry record is held before the
 * function runs: the probe writes `held` and waits, so the test can kill the
 * stack while that invocation is provably in flight (delivered to the
 * function, neither processed nor committed).
 *
 * argv: stateDir port options-json ({ raceSeconds, windowSeconds, closeScheduleMs })
 */
import fs from 'node:fs';
import path from 'node:path';
import { startLocalStack } from '../../../local/stack/startLocalStack.js';
import { HOLD_FILE, PROBE_DIR, type DoneEntry, type ProbedRecord, type StartEntry } from './probeLog.js';

interface ProbeOptions {
  raceSeconds: number;
  windowSeconds: number;
  closeScheduleMs: number;
}

const [stateDir, port, json] = process.argv.slice(2);
if (!stateDir || !port || !json) throw new Error('usage: probedStack <stateDir> <port> <options-json>');
const options = JSON.parse(json) as ProbeOptions;
const probeDir = path.join(stateDir, PROBE_DIR);
fs.mkdirSync(probeDir, { recursive: true });
let invocations = 0;

function write(name: string, entry: object): void {
  const tmp = path.join(probeDir, `.${name}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(entry));
  fs.renameSync(tmp, path.join(probeDir, name));
}

/** Whether a Kinesis record's data is a `final` telemetry record (the test puts only valid JSON). */
function isFinalTelemetry(base64: string): boolean {
  const value: unknown = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  return typeof value === 'object' && value !== null && (value as { event?: unknown }).event === 'final';
}

/** The records of a Kinesis or DynamoDB Streams event, as the probe logs them. */
function probedRecords(event: unknown): ProbedRecord[] {
  const records = (event as { Records?: unknown }).Records;
  if (!Array.isArray(records)) return [];
  return records.map((r: unknown): ProbedRecord => {
    const k = (r as { kinesis?: { sequenceNumber: string; data: string }; eventID?: string }).kinesis;
    if (k) {
      const shardId = String((r as { eventID?: string }).eventID).split(':')[0] as string;
      return { shardId, seq: k.sequenceNumber, final: isFinalTelemetry(k.data) };
    }
    const d = (r as { dynamodb?: { SequenceNumber?: string } }).dynamodb;
    return { seq: String(d?.SequenceNumber), final: false };
  });
}

function holdArmedFor(name: string): boolean {
  try {
    return fs.readFileSync(path.join(probeDir, HOLD_FILE), 'utf8').trim() === name;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

const stack = await startLocalStack({
  stateDir,
  port: Number(port),
  sim: false,
  buildWeb: false,
  raceSeconds: options.raceSeconds,
  windowSeconds: options.windowSeconds,
  closeScheduleMs: options.closeScheduleMs,
  log: () => undefined,
  esmOverrides: { idlePollMs: 100 },
  wrapHandler: (fn, handler) => async (event, context) => {
    const records = probedRecords(event);
    const windowFinal = (event as { isFinalInvokeForWindow?: unknown }).isFinalInvokeForWindow === true;
    // Scheduled Events (the close schedule) carry no records: not a stream delivery.
    if (records.length === 0 && !windowFinal) return handler(event, context);
    invocations += 1;
    const id = `${process.pid}-${invocations}`;
    const start: StartEntry = { fn, pid: process.pid, n: invocations, records, windowFinal };
    write(`${id}.start.json`, start);
    if (records.some((r) => r.final) && holdArmedFor(fn)) {
      const held: DoneEntry = { fn, pid: process.pid, n: invocations, failed: [] };
      write(`${id}.held.json`, held);
      // Never returned: the test kills this process while the invocation is in flight.
      await new Promise<never>(() => undefined);
    }
    const response = await handler(event, context);
    const failed = (
      (response as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined)?.batchItemFailures ?? []
    ).map((f) => f.itemIdentifier);
    const done: DoneEntry = { fn, pid: process.pid, n: invocations, failed };
    write(`${id}.done.json`, done);
    return response;
  },
});
process.stdout.write(`${JSON.stringify({ ready: true, pids: stack.pids })}\n`);
const stop = (): void => {
  void stack.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
