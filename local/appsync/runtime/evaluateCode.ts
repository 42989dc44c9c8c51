/**
 * The local twin of AppSync's EvaluateCode API [DOC API reference]: runs one
 * handler (`request` or `response`) of an APPSYNC_JS module with a context
 * given as JSON, and answers with the same fields: `evaluationResult` (JSON
 * string), `error` ({message, codeErrors?}), `logs`, `stash` (JSON string) and
 * `outErrors` (JSON string of util.appendError entries).
 */
import { ResolverLoadError } from '../errors.js';
import { createInvocation, type AuthTypeName } from './invocation.js';
import { createSandbox } from './sandbox.js';
import { loadBundle } from './loadBundle.js';
import { classifyThrown } from './handlerError.js';
import { isRecord } from '../../../lib/isRecord.js';
import { errorMessage } from '../../../lib/toError.js';

export interface CodeError {
  errorType: string;
  value: string;
  location: { line: number; column: number; span: number };
}

export interface EvaluateCodeResult {
  evaluationResult?: string;
  error?: { message: string; codeErrors?: CodeError[] };
  logs: string[];
  stash?: string;
  outErrors?: string;
}

export type HandlerName = 'request' | 'response';

const DEFAULT_TIMEOUT_MS = 5_000;

function authTypeOf(identity: unknown): AuthTypeName {
  if (!isRecord(identity)) return 'API Key Authorization';
  if (typeof identity['accountId'] === 'string' || typeof identity['userArn'] === 'string') return 'IAM Authorization';
  return typeof identity['issuer'] === 'string' && typeof identity['sub'] === 'string'
    ? 'User Pool Authorization'
    : 'API Key Authorization';
}

/**
 * Evaluates one handler like EvaluateCode. The file name in messages is
 * `code.js`, as EvaluateCode names the code it is given.
 */
export function evaluateCode(
  code: string,
  contextJson: string,
  fn: HandlerName,
  options: { timeoutMs?: number; now?: () => number } = {},
): EvaluateCodeResult {
  const file = 'code.js';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let context: unknown;
  try {
    context = JSON.parse(contextJson);
  } catch (err) {
    return { error: { message: `The context is not valid JSON: ${errorMessage(err)}` }, logs: [] };
  }
  if (!isRecord(context)) return { error: { message: 'The context must be a JSON object.' }, logs: [] };

  const sandbox = createSandbox();
  const invocation = createInvocation({
    authType: authTypeOf(context['identity']),
    ...(options.now ? { now: options.now } : {}),
  });
  sandbox.holder.current = invocation;
  let stash: unknown;
  let originalColumn = (_line: number, column: number): number => column;
  try {
    const bundle = loadBundle(code, file, sandbox, timeoutMs);
    originalColumn = bundle.originalColumn;
    const handler = fn === 'request' ? bundle.request : bundle.response;
    if (typeof handler !== 'function') {
      return { error: { message: `The code does not export a ${fn} function.` }, logs: invocation.logs };
    }
    const args = context['arguments'] ?? context['args'] ?? {};
    const ctx = sandbox.importValue({
      ...context,
      arguments: args,
      args,
      stash: isRecord(context['stash']) ? context['stash'] : {},
      prev: isRecord(context['prev']) ? context['prev'] : { result: null },
      env: isRecord(context['env']) ? context['env'] : {},
    }) as Record<string, unknown>;
    stash = ctx['stash'];
    const result = sandbox.call(handler, ctx, timeoutMs);
    return finish(result);
  } catch (thrown) {
    if (thrown instanceof ResolverLoadError) {
      return {
        error: {
          message: thrown.message,
          codeErrors: [
            {
              errorType: 'PARSER_ERROR',
              value: thrown.message,
              location: { line: thrown.line, column: thrown.column, span: 0 },
            },
          ],
        },
        logs: invocation.logs,
      };
    }
    const failure = classifyThrown(thrown, file, originalColumn);
    switch (failure.kind) {
      case 'earlyReturn':
        return finish(failure.signal.value);
      case 'utilError':
        return { ...finish(undefined), evaluationResult: undefined, error: { message: failure.signal.message } };
      case 'timeout':
      case 'code':
        return { ...finish(undefined), evaluationResult: undefined, error: { message: failure.message } };
    }
  } finally {
    sandbox.holder.current = null;
  }

  function finish(result: unknown): EvaluateCodeResult {
    const out: EvaluateCodeResult = {
      evaluationResult: JSON.stringify(result === undefined ? null : result),
      logs: invocation.logs,
      stash: JSON.stringify(stash ?? {}),
      outErrors: JSON.stringify(invocation.errors),
    };
    return out;
  }
}
