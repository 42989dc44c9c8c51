/**
 * A full-screen view that redraws in place on a terminal and hands the
 * terminal back as it found it: the alternate screen (the shell's scrollback
 * comes back on exit), a hidden cursor, and raw keys so `q` quits without
 * Enter. Ctrl-C arrives as a key in raw mode and quits the same way; SIGINT
 * and SIGTERM (from outside) too. Resizing redraws at once.
 */
export interface LiveScreen {
  /** Replaces the screen's content (the caller fits it to `size()`). */
  draw(text: string): void;
  size(): { columns: number; rows: number };
  /** Resolves when the user asked to quit (q, Q, Ctrl-C, Ctrl-D, SIGINT, SIGTERM). */
  readonly quit: Promise<void>;
  /** Restores the terminal; safe to call more than once. */
  close(): void;
}

const QUIT_KEYS = new Set(['q', 'Q', '\u0003', '\u0004']);

export function openLiveScreen(
  onResize: () => void,
  stdout: NodeJS.WriteStream = process.stdout,
  stdin: NodeJS.ReadStream = process.stdin,
): LiveScreen {
  let quitNow: () => void = () => undefined;
  const quit = new Promise<void>((resolve) => {
    quitNow = resolve;
  });
  const onKey = (data: Buffer | string): void => {
    for (const ch of data.toString()) if (QUIT_KEYS.has(ch)) quitNow();
  };
  const onSignal = (): void => quitNow();
  const raw = stdin.isTTY === true;
  stdout.write('\x1b[?1049h\x1b[?25l'); // alternate screen, cursor hidden
  if (raw) {
    stdin.setRawMode(true);
    stdin.on('data', onKey);
    stdin.resume();
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  stdout.on('resize', onResize);
  let closed = false;
  return {
    draw(text) {
      // Home and clear, then the text: it is fitted, so nothing scrolls.
      stdout.write(`\x1b[H\x1b[2J${text}`);
    },
    size: () => ({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 }),
    quit,
    close() {
      if (closed) return;
      closed = true;
      stdout.off('resize', onResize);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (raw) {
        stdin.off('data', onKey);
        stdin.setRawMode(false);
        stdin.pause();
      }
      stdout.write('\x1b[?25h\x1b[?1049l'); // cursor back, main screen back
    },
  };
}
