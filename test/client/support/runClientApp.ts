/**
 * Runs a client app (a TypeScript file of support/) as a process of its own,
 * with its plan in `CLIENT_APP_PLAN` and `env` added to this process's
 * environment, less NODE_EXTRA_CA_CERTS unless `env` gives it: Node reads that
 * variable only at start-up, so a CA can be trusted this way and no other.
 * Resolves with the exit code and the app's report (its last stdout line).
 */
import { spawn } from 'node:child_process';

export async function runClientApp<Report>(
  script: string,
  plan: unknown,
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<{ code: number | null; report: Report; output: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base['NODE_EXTRA_CA_CERTS'];
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...base, ...env, CLIENT_APP_PLAN: JSON.stringify(plan) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ code, report: JSON.parse(line) as Report, output: `${stdout}\n${stderr}` });
      } catch {
        reject(new Error(`${script} printed no report (exit ${code}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

/** The plan a client app was started with. */
export function clientAppPlan<Plan>(): Plan {
  const text = process.env['CLIENT_APP_PLAN'];
  if (!text) throw new Error('CLIENT_APP_PLAN is not set');
  return JSON.parse(text) as Plan;
}
