/**
 * Loads a part of the stack that another engineer may not have landed yet:
 * undefined when its file is absent, so the stack can say which parts are
 * missing instead of failing to start (or pretending they run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The module at `relativeTs` (from the repository root), or undefined when the file does not exist. */
export async function optionalModule(relativeTs: string): Promise<Record<string, unknown> | undefined> {
  const file = path.join(REPO_ROOT, relativeTs);
  if (!fs.existsSync(file)) return undefined;
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** The repository root (where schema.graphql, web/ and functions/ live). */
export function repoRoot(): string {
  return REPO_ROOT;
}
