/**
 * web.mainJsGzipKb: the JavaScript a visitor downloads before the first page
 * renders — the entry script of web/dist/index.html plus every chunk it
 * preloads — gzipped. Lazy chunks (the explorer's GraphiQL and Monaco, the
 * charts) are not part of it: they load when used. Builds the app first when
 * web/dist is missing. KB = 1,000 bytes, as Vite's build report prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { BenchOptions, BenchResult } from './types.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The JavaScript files index.html loads at startup (entry and modulepreloads), as paths under dist. */
export function startupScripts(indexHtml: string): string[] {
  const files = new Set<string>();
  for (const m of indexHtml.matchAll(/<script[^>]+type="module"[^>]*src="([^"]+)"/g)) if (m[1]) files.add(m[1]);
  for (const m of indexHtml.matchAll(/<link[^>]+rel="modulepreload"[^>]*href="([^"]+)"/g)) if (m[1]) files.add(m[1]);
  return [...files];
}

/** Gzipped size in KB of the startup JavaScript of a built app. */
export function mainJsGzipKb(distDir: string): { kb: number; files: Array<{ file: string; gzipBytes: number }> } {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const files = startupScripts(html).map((src) => {
    const body = readFileSync(path.join(distDir, src.replace(/^\//, '')));
    return { file: src, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
  if (files.length === 0) throw new Error(`${distDir}/index.html loads no module script`);
  return { kb: files.reduce((sum, f) => sum + f.gzipBytes, 0) / 1000, files };
}

export async function run(opts: BenchOptions & { distDir?: string }): Promise<BenchResult[]> {
  const distDir = opts.distDir ?? path.join(ROOT, 'web', 'dist');
  if (!existsSync(path.join(distDir, 'index.html'))) {
    opts.progress?.('building the web app (npm run build:web)');
    const r = spawnSync('npm', ['run', '--silent', 'build:web'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error(`npm run build:web failed (exit ${r.status ?? r.signal})`);
  }
  const { kb, files } = mainJsGzipKb(distDir);
  for (const f of files) console.log(`web: ${f.file} ${(f.gzipBytes / 1000).toFixed(1)} KB gzipped`);
  return [{ metric: 'web.mainJsGzipKb', value: Math.round(kb * 10) / 10, unit: 'KB', target: 250, better: 'lower' }];
}
