/**
 * The local stack as a process of its own, for the kill/restart test: the
 * real functions run, and every invocation's records are written (one JSON
 * file per invocation, written synchronously and renamed into place before the
 * function runs) to `<stateDir>/delivered/`, so the test sees what reached each
 * function even when this process is killed with SIGKILL, and never reads a
 * half-written entry: a rename is atomic, an append is not.
 * argv: stateDir port
 */
import fs from 'node:fs';
import path from 'node:path';
import { startLocalStack } from '../../../local/stack/startLocalStack.js';

const [stateDir, port] = process.argv.slice(2);
if (!stateDir || !port) throw new Error('usage: probedStack <stateDir> <port>');
const deliveredDir = path.join(stateDir, 'delivered');
fs.mkdirSync(deliveredDir, { recursive: true });
let invocations = 0;

function record(entry: object): void {
  invocations += 1;
  const name = `${process.pid}-${invocations}.json`;
  const tmp = path.join(deliveredDir, `.${name}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(entry));
  fs.renameSync(tmp, path.join(deliveredDir, name));
}

function sequenceNumbers(event: unknown): string[] {
  const records = (event as { Records?: Array<{ eventID?: string }> }).Records ?? [];
  return records.map((r) => String(r.eventID));
}

const stack = await startLocalStack({
  stateDir,
  port: Number(port),
  sim: false,
  buildWeb: false,
  raceSeconds: 60,
  windowSeconds: 2,
  log: () => undefined,
  esmOverrides: { idlePollMs: 100 },
  wrapHandler: (name, handler) => async (event, context) => {
    const ids = sequenceNumbers(event);
    if (ids.length > 0) record({ fn: name, pid: process.pid, ids });
    return handler(event, context);
  },
});
process.stdout.write(`${JSON.stringify({ ready: true, pids: stack.pids })}\n`);
const stop = (): void => {
  void stack.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
