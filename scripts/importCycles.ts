/**
 * `tsx scripts/importCycles.ts [dir…]`: lists the import circles reachable from
 * the TypeScript files under the given directories (default: every source folder) and
 * exits 1 if there is any. Every relative import counts, type-only and
 * dynamic ones included: a circle of types still ties the modules together.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCE = /\.(ts|tsx|mts)$/;
const SKIP = new Set(['node_modules', 'dist', 'generated']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return SKIP.has(entry) ? [] : sourceFiles(full);
    return SOURCE.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

/** The file a relative specifier names, written the NodeNext way (`./x.js` for `./x.ts`). */
function resolve(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  const stem = base.replace(/\.(m?js|jsx)$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, path.join(base, 'index.ts')];
  return candidates.find((file) => SOURCE.test(file) && existsSync(file) && statSync(file).isFile());
}

/** The relative imports of one file, static, dynamic and type-only. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map((ref) => ref.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .flatMap((specifier) => resolve(file, specifier) ?? []);
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan). */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The source folders of the project: every one of them must be free of import circles. */
export const SOURCE_DIRS = [
  'bench',
  'cli',
  'client',
  'contract',
  'core',
  'functions',
  'infra',
  'lib',
  'local',
  'resolvers',
  'scripts',
  'web',
];

/** The import circles reachable from the files under `dirs` (paths relative to `cwd`), and how many files were read. */
export function importCycles(dirs: readonly string[], cwd = process.cwd()): { files: number; cycles: string[][] } {
  const roots = dirs.map((dir) => path.resolve(cwd, dir)).filter((dir) => existsSync(dir));
  // Imports are followed out of the given directories too, so a circle through another part of the tree shows.
  const graph = new Map<string, string[]>();
  const queue = roots.flatMap(sourceFiles);
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (graph.has(file)) continue;
    const imports = importsOf(file);
    graph.set(file, imports);
    queue.push(...imports);
  }
  const cycles = findCycles(graph).map((cycle) => cycle.map((file) => path.relative(cwd, file)));
  return { files: graph.size, cycles };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = process.argv.slice(2);
  const { files, cycles } = importCycles(dirs.length > 0 ? dirs : SOURCE_DIRS);
  for (const cycle of cycles) console.log(`circle: ${cycle.join(' ↔ ')}`);
  console.log(`${files} files, ${cycles.length} import circle${cycles.length === 1 ? '' : 's'}`);
  process.exitCode = cycles.length > 0 ? 1 : 0;
}
