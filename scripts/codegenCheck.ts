/**
 * `npm run codegen:check`: regenerates every output of codegen.yml into a
 * temporary directory and fails (exit 1) if a committed file differs or is
 * missing, so stale generated code cannot slip through CI.
 */
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Raised when the committed generated files are not what codegen.yml produces. */
export class StaleCodegenError extends Error {
  override readonly name = 'StaleCodegenError';
  constructor(readonly files: readonly string[], options?: { cause?: unknown }) {
    super(`generated files are stale: ${files.join(', ')} (run npm run codegen and commit the result)`, options);
  }
}

async function readOrNull(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Regenerates into a temp dir; returns the committed outputs that differ. */
export async function staleOutputs(): Promise<string[]> {
  const { config } = await loadCodegenConfig({ configFilePath: path.join(root, 'codegen.yml') });
  const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-codegen-'));
  try {
    const generates: typeof config.generates = {};
    for (const [out, spec] of Object.entries(config.generates)) {
      generates[path.join(dir, out)] = spec;
    }
    const previous = process.cwd();
    // Schema and document globs in codegen.yml are relative to the repository root.
    process.chdir(root);
    try {
      await generate({ ...config, generates, silent: true, watch: false }, true);
    } finally {
      process.chdir(previous);
    }
    const stale: string[] = [];
    for (const out of Object.keys(config.generates)) {
      const fresh = await readFile(path.join(dir, out), 'utf8');
      const committed = await readOrNull(path.join(root, out));
      if (committed !== fresh) stale.push(out);
    }
    return stale;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const stale = await staleOutputs();
if (stale.length > 0) {
  console.error(new StaleCodegenError(stale).message);
  process.exit(1);
}
console.log('generated files are up to date');
