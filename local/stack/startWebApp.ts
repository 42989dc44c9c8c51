/**
 * The web app: web/dist and /config.json on the stack's server. When web/dist
 * is missing it is built once, in the background, with vite; the rest of the
 * stack does not wait for it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stopChild } from '../emulators/dynamodbLocal.js';
import { serveWebApp, webConfigFrom } from '../web/index.js';
import type { Endpoints } from './endpointsFile.js';
import type { HttpRouter } from './httpRouter.js';

export interface WebAppOptions {
  readonly router: HttpRouter;
  /** The repository root (web/, node_modules/). */
  readonly repoRoot: string;
  readonly endpoints: Endpoints;
  /** Build web/dist when it is missing. */
  readonly build: boolean;
  readonly log: (line: string) => void;
}

export interface RunningWebApp {
  /** Whether the page is (or will shortly be) served, and what to tell the user. */
  readonly running: boolean;
  readonly detail: string;
  stop(): Promise<void>;
}

/** `vite build` of web/ as a child process; says when it is done, or its last error lines if it fails. */
function buildInBackground(repoRoot: string, webUrl: string, log: (line: string) => void) {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      // Always React's production build, even when the stack starts under a test runner (NODE_ENV=test).
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  child.once('exit', (code) => {
    if (code === 0) log(`web app built: ${webUrl}`);
    else if (code !== null) log(`web app build failed (exit ${code}): ${stderr.trim().slice(-500)}`);
  });
  return child;
}

export function startWebApp(o: WebAppOptions): RunningWebApp {
  const distDir = path.join(o.repoRoot, 'web', 'dist');
  o.router.add(
    serveWebApp(distDir, {
      config: () => webConfigFrom(o.endpoints),
      reservedPrefixes: ['/graphql', '/ops/metrics'],
    }),
  );
  const built = fs.existsSync(path.join(distDir, 'index.html'));
  const canBuild = fs.existsSync(path.join(o.repoRoot, 'web', 'vite.config.ts'));
  if (built || !o.build || !canBuild) {
    return {
      running: built,
      detail: built ? o.endpoints.webUrl : 'web/dist missing: run `npm run build:web`',
      stop: async () => undefined,
    };
  }
  const child = buildInBackground(o.repoRoot, o.endpoints.webUrl, o.log);
  return {
    running: true,
    detail: `${o.endpoints.webUrl} (building web/dist now, ready in a minute)`,
    stop: () => stopChild(child),
  };
}
