/**
 * Finds the repository paths that docs and code comments cite
 * (`functions/aggregator/closeWindow.ts`, `docs/scaling.md`, `local/esm/`) and
 * reports those that do not exist, so a moved or deleted file cannot leave a
 * stale reference behind. `npx tsx scripts/citedPaths.ts` prints them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Top-level folders whose paths count as citations of this repository. */
const TOP_LEVEL = [
  '.ci',
  'bench',
  'bin',
  'cli',
  'client',
  'contract',
  'core',
  'docs',
  'functions',
  'infra',
  'lib',
  'local',
  'resolvers',
  'scripts',
  'test',
  'web',
];

/** Files made by a build or a run, cited on purpose although a clean clone lacks them. */
const PRODUCED = [/^web\/dist(\/|$)/, /^cdk\.out(\/|$)/, /^bench\/results(\.meta)?\.json$/];

const CITATION = new RegExp(
  String.raw`(?<![\w.\/-])((?:${TOP_LEVEL.map((t) => t.replace('.', '\\.')).join('|')})\/[\w.\/-]*)`,
  'g',
);

/** One path cited in a file that does not exist. */
export interface MissingCitation {
  readonly file: string;
  readonly line: number;
  readonly cited: string;
}

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((f) => /\.(md|ts|tsx|mjs|cjs|js|yml|graphql)$/.test(f) || f === '.ci/run')
    .filter((f) => !f.includes('/generated/') && !f.startsWith('test/fixtures/citedPaths/'));
}

/** The text of a file where citations may stand: all of a doc, only the comments of code. */
function citableText(file: string, text: string): string {
  if (file.endsWith('.md') || file === '.ci/run' || file.endsWith('.yml')) return text;
  // Keep line structure: blank out everything that is not a comment.
  return text
    .split('\n')
    .map((line) => {
      const slashes = line.indexOf('//');
      const trimmed = line.trimStart();
      if (trimmed.startsWith('*') || trimmed.startsWith('/*')) return line;
      return slashes >= 0 ? line.slice(slashes) : '';
    })
    .join('\n');
}

/**
 * True when the path exists from the repository root, from the citing file's
 * folder, or from resolvers/ (resolver bundles are named by their path there:
 * `functions/getRacerClassStats`).
 */
function exists(cited: string, citingFile: string): boolean {
  const clean = cited.replace(/[.,:;]+$/, '');
  if (PRODUCED.some((re) => re.test(clean))) return true;
  if (/[*<>{}]/.test(clean)) return true;
  const bases = [root, path.join(root, path.dirname(citingFile)), path.join(root, 'resolvers')];
  // `scripts/build` or `resolvers/Query.race` name a module without its extension.
  const candidates = ['', '.ts', '.tsx', '.js', '.mjs'].map((ext) => clean + ext);
  return bases.some((base) => candidates.some((c) => existsSync(path.join(base, c))));
}

/** Every cited path in docs and comments that does not exist. */
export function missingCitations(files: readonly string[] = trackedFiles()): MissingCitation[] {
  const missing: MissingCitation[] = [];
  for (const file of files) {
    const text = citableText(file, readFileSync(path.join(root, file), 'utf8'));
    text.split('\n').forEach((line, i) => {
      for (const match of line.matchAll(CITATION)) {
        const cited = match[1];
        if (cited !== undefined && !exists(cited, file)) missing.push({ file, line: i + 1, cited });
      }
    });
  }
  return missing;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const missing = missingCitations();
  for (const m of missing) console.log(`${m.file}:${m.line}: ${m.cited}`);
  console.log(`${missing.length} cited path(s) missing`);
  process.exitCode = missing.length === 0 ? 0 : 1;
}
