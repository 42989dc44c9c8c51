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
    const { stdout } = await run(process.execPath, [
      BIN,
      'evaluate',
      '--code',
      f.code,
      '--context',
      f.context,
      '--function',
      'request',
    ]);
    const out = JSON.parse(stdout);
    expect(out).toEqual({
      evaluationResult: '{"operation":"GetItem","key":{"id":{"S":"abc"}}}',
      error: null,
      logs: ['INFO - id abc'],
      stash: '{"seen":true}',
      outErrors: '[{"message":"careful","errorType":"Warn","data":null,"errorInfo":null}]',
    });
  });

  it('runs the response handler with ctx.result from the context', async () => {
    const f = await files(
      'export function request(ctx) { return {}; }\nexport function response(ctx) { return ctx.result.items.length; }\n',
      { result: { items: [1, 2] } },
    );
    const { stdout } = await run(process.execPath, [
      BIN,
      'evaluate',
      '--code',
      f.code,
      '--context',
      f.context,
      '--function',
      'response',
    ]);
    expect(JSON.parse(stdout).evaluationResult).toBe('2');
  });

  it('reports code AppSync rejects as an error naming the line', async () => {
    const f = await files('export function request(ctx) {\n  try { return 1; } catch (e) { return 2; }\n}\n', {});
    const { stdout } = await run(process.execPath, [
      BIN,
      'evaluate',
      '--code',
      f.code,
      '--context',
      f.context,
      '--function',
      'request',
    ]);
    const out = JSON.parse(stdout);
    expect(out.evaluationResult).toBeNull();
    expect(out.error.message).toMatch(/code\.js:2:3: try\/catch\/finally is not supported/);
    expect(out.error.codeErrors[0].location).toEqual({ line: 2, column: 3, span: 0 });
  });

  it('exits 2 with usage on missing arguments', async () => {
    await expect(run(process.execPath, [BIN, 'evaluate', '--code', 'x.js'])).rejects.toMatchObject({ code: 2 });
  });
});
