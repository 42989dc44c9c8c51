/**
 * `alleycat evaluate --code FILE --context FILE --function request|response`:
 * the local twin of AppSync's EvaluateCode. Prints
 * `{ evaluationResult, error, logs, stash, outErrors }` as JSON, with
 * evaluationResult, stash and outErrors as JSON strings, like AWS.
 * A `.ts` code file is bundled first with AppSync's esbuild recipe.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { bundleFile } from '../resolvers/build.js';
import { errorMessage } from '../lib/toError.js';
import type { Command } from './types.js';
import { evaluateCode, type HandlerName } from '../local/appsync/index.js';

const USAGE = 'usage: alleycat evaluate --code FILE --context FILE --function request|response';

async function loadCode(file: string): Promise<string> {
  // A .ts file is bundled with the very recipe the deployed bundles use.
  return /\.tsx?$/.test(file) ? bundleFile(file) : readFile(file, 'utf8');
}

const evaluate: Command = async (args) => {
  let values: { code?: string; context?: string; function?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        code: { type: 'string' },
        context: { type: 'string' },
        function: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`alleycat evaluate: ${errorMessage(err)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const fn = values.function;
  if (!values.code || !values.context || (fn !== 'request' && fn !== 'response')) {
    console.error(`alleycat evaluate: --code, --context and --function (request or response) are required\n${USAGE}`);
    return 2;
  }
  let code: string;
  let context: string;
  try {
    [code, context] = await Promise.all([loadCode(values.code), readFile(values.context, 'utf8')]);
  } catch (err) {
    console.error(`alleycat evaluate: ${errorMessage(err)}`);
    return 2;
  }
  const out = evaluateCode(code, context, fn as HandlerName);
  console.log(
    JSON.stringify(
      {
        evaluationResult: out.evaluationResult ?? null,
        error: out.error ?? null,
        logs: out.logs,
        stash: out.stash ?? null,
        outErrors: out.outErrors ?? null,
      },
      null,
      2,
    ),
  );
  return 0;
};

export default evaluate;
