/**
 * `vite build` of web/ into web/dist, as a child process, so the caller's
 * event loop keeps serving meanwhile. Always React's production build, even
 * under a test runner (which sets NODE_ENV=test).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A running build: its process, and what it has written to stderr so far. */
export interface WebBuild {
  readonly child: ChildProcess;
  stderr(): string;
}

/** Starts the build of `<repoRoot>/web`. */
export function buildWebApp(repoRoot: string): WebBuild {
  const vite = path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js');
  const child = spawn(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  return { child, stderr: () => stderr };
}
