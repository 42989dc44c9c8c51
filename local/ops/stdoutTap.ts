/**
 * Sees every line written to a stream (by default `process.stdout`) without
 * changing it: how the local stack feeds the functions' EMF lines to the ops
 * collector when the functions run in its own process. Powertools Metrics
 * writes each EMF object with its own `Console` bound to `process.stdout`, so
 * hooking `console.log` would miss them; hooking `stdout.write` does not.
 */
import { createLineSplitter } from './lineSplitter.js';

export interface TapOptions {
  /** The stream to tap (default `process.stdout`). */
  stream?: NodeJS.WriteStream | undefined;
  /**
   * Keep EMF lines off the terminal (they are machine output; the ops view
   * shows them). Only writes made of whole EMF lines are held back, which is
   * how Powertools writes them; everything else passes through unchanged.
   */
  hideEmf?: boolean | undefined;
}

/** Taps the stream; returns a function that restores it. */
export function tapStdout(onLine: (line: string) => void, options: TapOptions = {}): () => void {
  const stream = options.stream ?? process.stdout;
  const original = stream.write;
  const splitter = createLineSplitter(onLine);
  const tapped = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text =
      typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : '';
    splitter.push(text);
    if (options.hideEmf && isWholeEmf(text)) {
      // Honour the write callback contract even though nothing is written.
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      if (callback) process.nextTick(callback);
      return true;
    }
    return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  };
  stream.write = tapped as typeof stream.write;
  return () => {
    splitter.flush();
    if (stream.write === tapped) stream.write = original;
  };
}

function isWholeEmf(text: string): boolean {
  if (!text.endsWith('\n')) return false;
  const lines = text.split('\n').filter((l) => l.length > 0);
  return (
    lines.length > 0 &&
    lines.every((l) => l.startsWith('{"_aws"') || (l.startsWith('{') && l.includes('"_aws":{"Timestamp"')))
  );
}
