/**
 * `alleycat evaluate`: the local twin of `aws appsync evaluate-code`. Takes the
 * AWS CLI's own syntax (`--code file://…`, `--context file://…` or inline
 * values, `--runtime name=APPSYNC_JS,runtimeVersion=1.0.0`, `--function
 * request|response`) as well as plain paths, and prints what the AWS CLI
 * prints: the EvaluateCode response as JSON indented by 4, with only the
 * members the response has. A `.ts` code file is bundled first with AppSync's
 * esbuild recipe.
 *
 * Exit code: 0 when the code was evaluated, even if it failed (the failure is
 * the response's `error`, as with the AWS CLI); 2 when the command line is wrong.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { bundleFile } from '../resolvers/build.js';
import { errorMessage } from '../lib/toError.js';
import type { Command } from './types.js';
import { CliValueError, parseStructure, readValue } from './awsCliValue.js';
import { APPSYNC_JS_RUNTIME, evaluateCode, type EvaluateCodeResult } from '../local/appsync/index.js';

export const EVALUATE_USAGE = `usage: alleycat evaluate --code CODE --context CONTEXT --function request|response [--runtime RUNTIME]

  --code      the resolver code: file://path, a path (.ts is bundled first), or the code itself
  --context   the context JSON: file://path, a path, or the JSON itself
  --function  request or response
  --runtime   name=APPSYNC_JS,runtimeVersion=1.0.0 (the default, and the only runtime)
  --region, --profile, --output json, --no-cli-pager are accepted and ignored, so an
  \`aws appsync evaluate-code\` command line runs as it is`;

const FUNCTIONS = ['request', 'response'] as const;
type FunctionName = (typeof FUNCTIONS)[number];

/** The response as the AWS CLI prints it: members in the API's order, absent ones left out. */
export function formatEvaluateResponse(out: EvaluateCodeResult): string {
  const ordered = {
    evaluationResult: out.evaluationResult,
    error: out.error,
    logs: out.logs,
    stash: out.stash,
    outErrors: out.outErrors,
  };
  return JSON.stringify(ordered, null, 4);
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface EvaluateRequest {
  code: string;
  context: string;
  function: FunctionName;
  runtime: { name: string; runtimeVersion: string };
}

async function readRequest(args: string[]): Promise<EvaluateRequest | 'help'> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        code: { type: 'string' },
        context: { type: 'string' },
        function: { type: 'string' },
        runtime: { type: 'string' },
        template: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        output: { type: 'string' },
        'no-cli-pager': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
  if (values['help'] === true) return 'help';
  if (values['template'] !== undefined)
    throw new UsageError(
      '--template is `aws appsync evaluate-mapping-template` (VTL); the local runtime runs APPSYNC_JS code only: use --code',
    );
  if (values['output'] !== undefined && values['output'] !== 'json')
    throw new UsageError(`--output must be json, got "${String(values['output'])}"`);
  const fn = values['function'];
  if (typeof fn !== 'string') throw new UsageError('--function is required: request or response');
  if (!(FUNCTIONS as readonly string[]).includes(fn))
    throw new UsageError(`--function must be request or response, got "${fn}"`);
  const codeArg = values['code'];
  const contextArg = values['context'];
  if (typeof codeArg !== 'string') throw new UsageError('--code is required');
  if (typeof contextArg !== 'string') throw new UsageError('--context is required');
  const runtimeArg = values['runtime'];
  const runtime =
    typeof runtimeArg === 'string'
      ? parseStructure('--runtime', await readValue('--runtime', runtimeArg), ['name', 'runtimeVersion'] as const)
      : APPSYNC_JS_RUNTIME;
  // A .ts file is bundled with the very recipe the deployed bundles use.
  const [code, context] = await Promise.all([
    readValue('--code', codeArg, (file) => (/\.tsx?$/.test(file) ? bundleFile(file) : readFile(file, 'utf8'))),
    readValue('--context', contextArg),
  ]);
  return { code, context, function: fn as FunctionName, runtime };
}

const evaluate: Command = async (args) => {
  let request: EvaluateRequest | 'help';
  try {
    request = await readRequest(args);
  } catch (err) {
    if (err instanceof UsageError || err instanceof CliValueError) {
      console.error(`alleycat evaluate: ${err.message}\n\n${EVALUATE_USAGE}`);
      return 2;
    }
    console.error(`alleycat evaluate: ${errorMessage(err)}`);
    return 2;
  }
  if (request === 'help') {
    console.log(EVALUATE_USAGE);
    return 0;
  }
  const out = evaluateCode(request.code, request.context, request.function, { runtime: request.runtime });
  console.log(formatEvaluateResponse(out));
  return 0;
};

export default evaluate;
