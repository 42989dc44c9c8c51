/**
 * The APPSYNC_JS code of every resolver and pipeline function, built with the
 * same recipe as the local runtime (resolvers/build.ts). Bundling is async, so
 * the app builds the bundles first and hands them to the stack.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleNames, bundleResolvers, type ResolverBundle } from '../resolvers/build.js';
import { MissingResolverCodeError } from './errors.js';
import { RESOLVERS_DIR } from './paths.js';

/** Bundles by name (`Query.raceResults`, `functions/getRacerClassStats`). */
export type ResolverBundles = ReadonlyMap<string, ResolverBundle>;

/** Manifest bundles whose source file does not exist yet. */
export function missingResolverSources(): string[] {
  const missing: string[] = [];
  for (const name of bundleNames()) {
    if (!existsSync(path.join(RESOLVERS_DIR, `${name}.ts`))) missing.push(name);
  }
  return missing;
}

/**
 * Bundles every resolver and function of the manifest.
 * @throws MissingResolverCodeError naming every source file that does not exist.
 */
export async function loadResolverBundles(): Promise<ResolverBundles> {
  const missing = missingResolverSources();
  if (missing.length > 0) throw new MissingResolverCodeError(missing);
  return bundleResolvers();
}

/** The code of one bundle; a stack built without it is refused. */
export function bundleCode(bundles: ResolverBundles, name: string): string {
  const bundle = bundles.get(name);
  if (!bundle) throw new MissingResolverCodeError([name]);
  return bundle.code;
}
