/** The stack's parts as they start: a status line each, and their stops, run in reverse. */
import { errorMessage } from '../../lib/toError.js';

export interface PartStatus {
  name: string;
  running: boolean;
  detail: string;
}

/** Parts started so far: their status lines, and how to stop them (last started, first stopped). */
export function stackParts(log: (line: string) => void) {
  const parts: PartStatus[] = [];
  const stops: Array<() => Promise<void> | void> = [];
  const t0 = Date.now();
  return {
    parts,
    report(name: string, running: boolean, detail: string): void {
      parts.push({ name, running, detail });
      log(`  ${running ? 'ok ' : '-- '} ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    },
    onStop(stop: () => Promise<void> | void): void {
      stops.push(stop);
    },
    async stopAll(): Promise<void> {
      for (const stop of stops.splice(0).reverse()) {
        try {
          await stop();
        } catch (error) {
          log(`warning: while stopping: ${errorMessage(error)}`);
        }
      }
    },
  };
}
