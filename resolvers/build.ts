/**
 * Builds the APPSYNC_JS bundles: one esbuild recipe for both the CDK stack and
 * the local AppSync runtime, so the code that runs locally is byte for byte
 * the code that deploys (AppSync's documented settings: ESM, esnext, inline
 * source map, `@aws-appsync/utils` kept external).
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { RESOLVERS, resolverFile } from './manifest.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** One bundle: its name (e.g. `Query.raceResults` or `functions/getRacerClassStats`) and code. */
export interface ResolverBundle {
  readonly name: string;
  readonly sourceFile: string;
  readonly code: string;
}

/** Every bundle the manifest needs: resolvers and pipeline functions. */
export function bundleNames(): string[] {
  const names = new Set<string>();
  for (const spec of RESOLVERS) {
    names.add(resolverFile(spec));
    for (const fn of spec.functions ?? []) names.add(`functions/${fn.name}`);
  }
  return [...names];
}

/** Bundles any APPSYNC_JS source file with AppSync's documented esbuild recipe; returns the code. */
export async function bundleFile(sourceFile: string): Promise<string> {
  const result = await build({
    entryPoints: [sourceFile],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'esnext',
    sourcemap: 'inline',
    sourcesContent: false,
    external: ['@aws-appsync/utils'],
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error(`esbuild produced no output for ${sourceFile}`);
  return out.text;
}

/** Bundles one resolver source file (path relative to resolvers/, without extension). */
export async function bundleResolver(name: string): Promise<ResolverBundle> {
  const sourceFile = path.join(here, `${name}.ts`);
  return { name, sourceFile, code: await bundleFile(sourceFile) };
}

/** Bundles every resolver and function of the manifest. */
export async function bundleResolvers(): Promise<Map<string, ResolverBundle>> {
  const bundles = await Promise.all(bundleNames().map((n) => bundleResolver(n)));
  return new Map(bundles.map((b) => [b.name, b]));
}
