/** Runs an expression inside the APPSYNC_JS sandbox through evaluateCode, as EvaluateCode would. */
import { evaluateCode } from '../../local/appsync/index.js';

export function evalInSandbox(expression: string, context: Record<string, unknown> = {}, now?: () => number): unknown {
  const code = `import { util, runtime, extensions } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';
export function request(ctx) {
  return ${expression};
}
export function response(ctx) {
  return ctx.result;
}
`;
  const out = evaluateCode(code, JSON.stringify(context), 'request', now ? { now } : {});
  if (out.error) throw new Error(out.error.message);
  return JSON.parse(out.evaluationResult ?? 'null');
}
