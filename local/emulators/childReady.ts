/**
 * Waits for an emulator started as a child process to listen on its port;
 * if it exits or times out first, kills it and throws EmulatorStartError
 * carrying what it wrote to stderr.
 */
import type { ChildProcess } from 'node:child_process';
import { EmulatorStartError } from './errors.js';
import { waitForPort } from './freePort.js';

export async function childReady(child: ChildProcess, port: number, name: string): Promise<void> {
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  child.once('exit', () => {
    exited = true;
  });
  try {
    await waitForPort(port, 15_000, () => !exited);
  } catch (err) {
    child.kill('SIGKILL');
    throw new EmulatorStartError(`${name} did not start on port ${port}: ${stderr.trim()}`, 'Is the port taken?', {
      cause: err,
    });
  }
}
