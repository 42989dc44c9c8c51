/**
 * `npm run build`: every build step of the repository, in order. Each step is
 * an npm script so it can also run alone (`npm run build:web`). Add steps here.
 */
import { spawnSync } from 'node:child_process';

const STEPS: ReadonlyArray<{ script: string; what: string }> = [
  { script: 'build:web', what: 'the web app (web/dist)' },
];

for (const step of STEPS) {
  console.log(`== ${step.script}: ${step.what}`);
  const r = spawnSync('npm', ['run', '--silent', step.script], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build step ${step.script} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
