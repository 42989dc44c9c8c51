/**
 * A throwaway local stack, as tests and benchmarks start it: in memory, in a
 * fresh state folder of its own, on a free port, without the simulator, the
 * web build or log lines. `stop` also removes the state folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from './startLocalStack.js';

/** Starts a scratch stack; `options` override the defaults above. */
export async function startScratchStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'alleycat-scratch-'));
  const removeState = (): void => rmSync(stateDir, { recursive: true, force: true });
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      inMemory: true,
      sim: false,
      port: 0,
      buildWeb: false,
      log: () => undefined,
      stateDir,
      ...options,
    });
  } catch (error) {
    removeState();
    throw error;
  }
  const stopStack = stack.stop;
  return {
    ...stack,
    stop: async () => {
      await stopStack();
      removeState();
    },
  };
}
