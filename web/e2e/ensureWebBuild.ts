/**
 * Builds web/dist when it is missing or older than the app's sources, so the
 * browser tests always drive the code under test (CI starts from a clean tree).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebApp } from '../../local/web/buildWebApp.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The app's inputs: its sources, its config, and what it bundles from the SDK, core/, lib/ and contract/. */
const INPUTS = ['web/src', 'web/index.html', 'web/vite.config.ts', 'client', 'core', 'lib', 'contract'];

/** Builds asynchronously: a test worker's event loop must keep answering its runner meanwhile. */
export async function ensureWebBuild(): Promise<{ built: boolean; distDir: string }> {
  const distDir = path.join(ROOT, 'web', 'dist');
  const index = path.join(distDir, 'index.html');
  const sources = Math.max(
    ...INPUTS.map((p) => {
      const full = path.join(ROOT, p);
      if (!existsSync(full)) return 0;
      return statSync(full).isDirectory() ? newestMtime(full) : statSync(full).mtimeMs;
    }),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return { built: false, distDir };
  const build = buildWebApp(ROOT);
  const code = await new Promise<number | null>((resolve, reject) => {
    build.child.once('error', reject);
    build.child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`web build failed (exit ${code}): ${build.stderr().slice(-2000)}`);
  return { built: true, distDir };
}
