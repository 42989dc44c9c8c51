/**
 * The local stack as a process of its own, for the kill/restart test: the
 * real functions run, and every record a mapping delivers is appended (one
 * JSON line per invocation, written synchronously before the function runs)
 * to `<stateDir>/delivered.jsonl`, so the test sees what reached each function
 * even when this process is killed with SIGKILL.
 * argv: stateDir port
 */
import fs from 'node:fs';
import path from 'node:path';
import { startLocalStack } from '../../../local/stack/startLocalStack.js';

const [stateDir, port] = process.argv.slice(2);
if (!stateDir || !port) throw new Error('usage: probedStack <stateDir> <port>');
const log = path.join(stateDir, 'delivered.jsonl');
fs.mkdirSync(stateDir, { recursive: true });

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
    if (ids.length > 0) fs.appendFileSync(log, `${JSON.stringify({ fn: name, pid: process.pid, ids })}\n`);
    return handler(event, context);
  },
});
process.stdout.write(`${JSON.stringify({ ready: true, pids: stack.pids })}\n`);
const stop = (): void => {
  void stack.stop().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
