/**
 * The web app: web/dist and /config.json on the stack's server. When web/dist
 * is missing it is built once, in the background, with vite; the rest of the
 * stack does not wait for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { stopChild } from '../emulators/dynamodbLocal.js';
import { buildWebApp } from '../web/buildWebApp.js';
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

/** Builds web/ in the background; says when it is done, or its last error lines if it fails. */
function buildInBackground(repoRoot: string, webUrl: string, log: (line: string) => void) {
  const build = buildWebApp(repoRoot);
  build.child.once('exit', (code) => {
    if (code === 0) log(`web app built: ${webUrl}`);
    else if (code !== null) log(`web app build failed (exit ${code}): ${build.stderr().trim().slice(-500)}`);
  });
  return build.child;
}

export function startWebApp(o: WebAppOptions): RunningWebApp {
  const distDir = path.join(o.repoRoot, 'web', 'dist');
  o.router.add(
    serveWebApp(distDir, {
      config: ({ secure }) => webConfigFrom(o.endpoints, { secure }),
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
