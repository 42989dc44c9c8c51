// `alleycat evaluate` as a user runs it: a real process, real files.
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve('bin/alleycat.mjs');

async function files(code: string, context: unknown): Promise<{ code: string; context: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-eval-'));
  const c = path.join(dir, 'code.js');
  const x = path.join(dir, 'context.json');
  await writeFile(c, code);
  await writeFile(x, JSON.stringify(context));
  return { code: c, context: x };
}

/** `alleycat evaluate` on those files, running one handler; a non-zero exit fails the test. */
async function evaluateFiles(f: { code: string; context: string }, handler: 'request' | 'response'): Promise<string> {
  const args = ['evaluate', '--code', f.code, '--context', f.context, '--function', handler];
  return (await run(process.execPath, [BIN, ...args])).stdout;
}

describe('alleycat evaluate', () => {
  it('prints evaluationResult, error, logs, stash and outErrors like EvaluateCode', async () => {
    const f = await files(
      `import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
export function request(ctx) {
  console.log('id', ctx.args.id);
  ctx.stash.seen = true;
  util.appendError('careful', 'Warn');
  return ddb.get({ key: { id: ctx.args.id } });
}
export function response(ctx) { return ctx.result; }
`,
      { arguments: { id: 'abc' } },
    );
    const stdout = await evaluateFiles(f, 'request');
    // No `error` member on success: the AWS CLI prints only what the response has.
    expect(stdout).toBe(
      `${JSON.stringify(
        {
          evaluationResult: '{"operation":"GetItem","key":{"id":{"S":"abc"}}}',
          logs: ['INFO - id abc'],
          stash: '{"seen":true}',
          outErrors: '[{"message":"careful","errorType":"Warn","data":null,"errorInfo":null}]',
        },
        null,
        4,
      )}\n`,
    );
  });

  it('runs the response handler with ctx.result from the context', async () => {
    const f = await files(
      'export function request(ctx) { return {}; }\nexport function response(ctx) { return ctx.result.items.length; }\n',
      { result: { items: [1, 2] } },
    );
    const stdout = await evaluateFiles(f, 'response');
    expect(JSON.parse(stdout).evaluationResult).toBe('2');
  });

  it('reports code AppSync rejects as an error naming the line', async () => {
    const f = await files('export function request(ctx) {\n  try { return 1; } catch (e) { return 2; }\n}\n', {});
    const stdout = await evaluateFiles(f, 'request');
    const out = JSON.parse(stdout);
    expect(out).not.toHaveProperty('evaluationResult');
    expect(out.error.message).toMatch(/code\.js:2:3: try\/catch\/finally is not supported/);
    expect(out.error.codeErrors[0].location).toEqual({ line: 2, column: 3, span: 0 });
  });

  it('exits 2 with usage on missing arguments', async () => {
    await expect(run(process.execPath, [BIN, 'evaluate', '--code', 'x.js'])).rejects.toMatchObject({ code: 2 });
  });
});

/** Runs `alleycat evaluate` in `cwd`; resolves to stdout, stderr and the exit code, whatever it is. */
async function evaluateIn(cwd: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'evaluate', ...args], { cwd });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

/** What the AWS CLI prints for a response: JSON indented by 4, then a newline. */
const printed = (response: Record<string, unknown>): string => `${JSON.stringify(response, null, 4)}\n`;

const HANDLERS = `import { util } from '@aws-appsync/utils';
export function request(ctx) {
  ctx.stash.step = 'request';
  util.appendError('first', 'Warn');
  if (ctx.args.kind === 'utilError') util.error('no such rider', 'NotFound');
  if (ctx.args.kind === 'exception') { const rider = null; return rider.name; }
  return { ok: ctx.args.kind };
}
export function response(ctx) { return ctx.result; }
`;

describe('alleycat evaluate with the AWS CLI syntax of evaluate-code', () => {
  it('takes file://, --runtime shorthand and prints the success members only', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-eval-'));
    await writeFile(path.join(dir, 'resolver.js'), HANDLERS);
    await writeFile(path.join(dir, 'ctx.json'), '{"arguments":{"kind":"fine"}}');
    const out = await evaluateIn(dir, [
      '--runtime',
      'name=APPSYNC_JS,runtimeVersion=1.0.0',
      '--code',
      'file://resolver.js',
      '--context',
      `file://${path.join(dir, 'ctx.json')}`,
      '--function',
      'request',
      '--region',
      'eu-west-1',
      '--no-cli-pager',
    ]);
    expect(out).toEqual({
      stdout: printed({
        evaluationResult: '{"ok":"fine"}',
        logs: [],
        stash: '{"step":"request"}',
        outErrors: '[{"message":"first","errorType":"Warn","data":null,"errorInfo":null}]',
      }),
      stderr: '',
      code: 0,
    });
  });

  it('takes inline code and context and a JSON --runtime', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-eval-'));
    const out = await evaluateIn(dir, [
      '--code',
      'export function request(ctx) { return ctx.args.n + 1; }\nexport function response(ctx) { return ctx.result; }',
      '--context',
      '{"arguments":{"n":41}}',
      '--runtime',
      '{"name":"APPSYNC_JS","runtimeVersion":"1.0.0"}',
      '--function',
      'request',
    ]);
    expect(out.stdout).toBe(printed({ evaluationResult: '42', logs: [], stash: '{}', outErrors: '[]' }));
    expect(out.code).toBe(0);
  });

  // Every kind of failure answers with the same members: error, logs, stash and outErrors; never evaluationResult.
  it.each([
    { kind: 'utilError', message: 'no such rider' },
    { kind: 'exception', message: "code.js:6:73: Cannot read properties of null (reading 'name')" },
  ])('a $kind: error, logs, stash and outErrors as far as the handler got', async ({ kind, message }) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-eval-'));
    await writeFile(path.join(dir, 'resolver.js'), HANDLERS);
    const context = JSON.stringify({ arguments: { kind } });
    const out = await evaluateIn(dir, ['--code', 'file://resolver.js', '--context', context, '--function', 'request']);
    expect(out.stdout).toBe(
      printed({
        error: { message },
        logs: [],
        stash: '{"step":"request"}',
        outErrors: '[{"message":"first","errorType":"Warn","data":null,"errorInfo":null}]',
      }),
    );
    expect(out.code).toBe(0);
  });

  it('code AppSync rejects: codeErrors, the context stash, no outErrors yet; same members', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-eval-'));
    const out = await evaluateIn(dir, [
      '--code',
      'export function request(ctx) {\n  for (const x of [1]) { continue; }\n  return 1;\n}',
      '--context',
      '{"stash":{"given":true}}',
      '--function',
      'request',
    ]);
    const message =
      'code.js: AppSync would reject this code (runtime APPSYNC_JS 1.0.0):\n  code.js:2:26: continue is not supported by APPSYNC_JS';
    expect(out.stdout).toBe(
      printed({
        error: {
          message,
          codeErrors: [{ errorType: 'PARSER_ERROR', value: message, location: { line: 2, column: 26, span: 0 } }],
        },
        logs: [],
        stash: '{"given":true}',
        outErrors: '[]',
      }),
    );
  });

  it('an unsupported runtime is an evaluation error of the same shape', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-eval-'));
    const out = await evaluateIn(dir, [
      '--code',
      'export function request(ctx) { return 1; }',
      '--context',
      '{}',
      '--function',
      'request',
      '--runtime',
      'name=APPSYNC_JS,runtimeVersion=2.0.0',
    ]);
    expect(out.stdout).toBe(
      printed({
        error: { message: 'Unsupported runtime APPSYNC_JS 2.0.0: the only runtime is APPSYNC_JS 1.0.0.' },
        logs: [],
        stash: '{}',
        outErrors: '[]',
      }),
    );
  });

  it.each([
    [['--function', 'sideways'], '--function must be request or response, got "sideways"'],
    [[], '--function is required: request or response'],
    [['--function', 'request', '--runtime', 'APPSYNC_JS'], '--runtime: expected key=value pairs'],
    [['--function', 'request', '--runtime', 'name=APPSYNC_JS'], '--runtime: missing runtimeVersion'],
    [['--function', 'request', '--runtime', 'name=APPSYNC_JS,runtimeVersion=1.0.0,x=1'], '--runtime: unknown key "x"'],
    [['--function', 'request', '--output', 'table'], '--output must be json, got "table"'],
    [['--function', 'request', '--template', 'file://t.vtl'], 'APPSYNC_JS code only'],
    [['--function', 'request', '--bogus'], "Unknown option '--bogus'"],
  ])('a wrong command line %j exits 2 naming what is wrong', async (extra, message) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-eval-'));
    const out = await evaluateIn(dir, [
      '--code',
      'export function request() { return 1; }',
      '--context',
      '{}',
      ...extra,
    ]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(message);
    expect(out.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a missing file is named, whether written as file:// or as a path', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alleycat-eval-'));
    for (const code of ['file://missing.js', 'missing.js']) {
      const out = await evaluateIn(dir, ['--code', code, '--context', '{}', '--function', 'request']);
      expect(out.code).toBe(2);
      expect(out.stderr).toContain('--code: no such file "missing.js"');
    }
  });
});
