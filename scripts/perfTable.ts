/**
 * `npm run bench:table [-- --check]`: writes the README's performance table
 * (between `<!-- perf-table:start -->` and `<!-- perf-table:end -->`) from
 * the latest full run kept in bench/history/. With --check, writes nothing
 * and exits 1 when the README's table differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HISTORY_DIR, latestFullRun } from '../bench/history.js';
import { renderPerfTable, replaceBetweenMarkers } from '../bench/perfTable.js';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The README as the latest kept full run makes it. */
export function generatedReadme(root: string = ROOT): { current: string; generated: string; runFile: string } {
  const latest = latestFullRun(path.join(root, HISTORY_DIR));
  if (!latest) throw new Error(`no full run kept in ${HISTORY_DIR}/: run \`npm run bench\` on an idle machine first`);
  const runFile = path.relative(root, latest.file).split(path.sep).join('/');
  const current = readFileSync(path.join(root, 'README.md'), 'utf8');
  return { current, generated: replaceBetweenMarkers(current, renderPerfTable(runFile, latest.run)), runFile };
}

function main(args: readonly string[]): number {
  const check = args.includes('--check');
  const { current, generated, runFile } = generatedReadme();
  if (current === generated) {
    console.log(`README.md's performance table is ${runFile}'s`);
    return 0;
  }
  if (check) {
    console.error(`README.md's performance table differs from ${runFile}'s: run \`npm run bench:table\``);
    return 1;
  }
  writeFileSync(path.join(ROOT, 'README.md'), generated);
  console.log(`README.md's performance table now shows ${runFile}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = main(process.argv.slice(2));
