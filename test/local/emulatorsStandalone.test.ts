// The emulators are libraries: local/appsync, local/esm, local/emulators and local/waf
// import only themselves, lib/ and packages. The app is handed to them by
// whoever starts them (local/stack), never imported.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EMULATORS = ['local/appsync', 'local/esm', 'local/emulators', 'local/waf'];
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(rel);
    return SOURCE.test(entry.name) ? [rel] : [];
  });
}

/** Every module a file names: static and dynamic imports, re-exports, require(). */
function specifiers(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const found = [
    ...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
  ];
  return found.map((m) => m[1] ?? '');
}

/** Repository path a relative specifier points at; undefined for packages. */
function target(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.relative(ROOT, path.resolve(ROOT, path.dirname(file), specifier));
}

function outsideImports(dirs: readonly string[], files: readonly string[]): string[] {
  const allowed = [...dirs, 'lib'];
  const out: string[] = [];
  for (const file of files) {
    for (const specifier of specifiers(file)) {
      const to = target(file, specifier);
      if (to === undefined) continue;
      if (!allowed.some((dir) => to === dir || to.startsWith(`${dir}/`))) out.push(`${file} → ${to}`);
    }
  }
  return out;
}

describe('the emulators import nothing of the app', () => {
  for (const dir of EMULATORS) {
    it(`${dir} imports only itself and lib/`, () => {
      const files = sourceFiles(dir);
      expect(files.length).toBeGreaterThan(0);
      expect(outsideImports([dir], files)).toEqual([]);
    });
  }

  it('finds an app import when there is one (the scan works)', () => {
    expect(outsideImports(['local/stack'], ['local/stack/apiDefinition.ts'])).toContain(
      'local/stack/apiDefinition.ts → resolvers/manifest.js',
    );
  });

  it('the runtime tests’ API is defined through local/appsync alone', () => {
    const fixtures = ['test/appsync/fixtures/testApi.ts', 'test/appsync/fixtures/testRuntime.ts'];
    expect(outsideImports(['local/appsync', 'test/appsync/fixtures'], fixtures)).toEqual([]);
  });
});
