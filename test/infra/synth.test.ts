/**
 * `npm run synth` end to end: a child process with no AWS credentials or
 * configuration and every HTTP(S) proxy pointed at a closed port, so a
 * credential lookup or network call would fail. Bundles the three functions
 * with esbuild, runs CloudFormation validation and cdk-nag.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.js';

interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

let outdir = '';
let env: NodeJS.ProcessEnv = {};
let run: { status: number | null; stdout: string; stderr: string };
beforeAll(() => {
  outdir = mkdtempSync(path.join(tmpdir(), 'alleycat-synth-'));
  env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('CDK_')) env[k] = v;
  Object.assign(env, {
    AWS_CONFIG_FILE: path.join(outdir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(outdir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    http_proxy: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
  });
  const result = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/synth.ts', outdir],
    {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
      timeout: 240_000,
    },
  );
  run = { status: result.status, stdout: result.stdout, stderr: result.stderr };
}, 300_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

function template(): Template {
  return JSON.parse(readFileSync(path.join(outdir, 'Alleycat-dev.template.json'), 'utf8')) as Template;
}

describe('npm run synth', () => {
  it('succeeds without AWS credentials or network', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Synthesized Alleycat-dev: \d+ resources, \d+ resolver bundles/);
  });

  it('writes the template and a clean validation report (CloudFormation schema and cdk-nag)', () => {
    const resources = Object.values(template().Resources);
    // The three stream consumers and the riders' PreSignUp trigger.
    expect(resources.filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(4);
    const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };
    expect(report.pluginReports).toEqual([]);
  });

  it('bundles each function as one ESM file for Node 22 that exports handler', () => {
    const functions = Object.values(template().Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    for (const fn of functions) {
      // The S3 key is the asset hash; the staged asset is cdk.out/asset.<hash>/.
      const key = String((fn.Properties?.Code as { S3Key: string }).S3Key);
      const entry = path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
      expect(existsSync(entry), entry).toBe(true);
      const code = readFileSync(entry, 'utf8');
      expect(code).toMatch(/export\s*\{[^}]*\bas handler\b|export\s*\{[^}]*\bhandler\b/);
      expect(code).toContain('createRequire');
      expect(existsSync(`${entry}.map`)).toBe(true);
    }
  });

  it("writes a cloud assembly the project's cdk CLI reads (what `npx cdk deploy` deploys)", () => {
    // `--app <dir>` makes the CLI read an existing assembly instead of running the app.
    const ls = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, 'node_modules/aws-cdk/bin/cdk'), 'ls', '--app', outdir, '--no-notices'],
      {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(ls.status, ls.stderr).toBe(0);
    expect(ls.stdout.trim()).toBe('Alleycat-dev');
  });
});
