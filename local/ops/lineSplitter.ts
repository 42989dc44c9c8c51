/** Turns chunks of output into complete lines (a chunk may hold several lines or part of one). */
export interface LineSplitter {
  /** Feeds a chunk; calls `onLine` for every line it completes. */
  push(chunk: string): void;
  /** Emits what is left without a trailing newline. */
  flush(): void;
}

/** Longest partial line kept (a runaway line without newlines is cut, not held forever). */
const MAX_PENDING = 1024 * 1024;

export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  let pending = '';
  return {
    push(chunk) {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        const line = pending.slice(0, newline).replace(/\r$/, '');
        pending = pending.slice(newline + 1);
        if (line.length > 0) onLine(line);
        newline = pending.indexOf('\n');
      }
      if (pending.length > MAX_PENDING) {
        onLine(pending);
        pending = '';
      }
    },
    flush() {
      if (pending.length > 0) onLine(pending);
      pending = '';
    },
  };
}
