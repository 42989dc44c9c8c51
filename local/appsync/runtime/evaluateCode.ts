/**
 * The local twin of AppSync's EvaluateCode API [DOC API reference]: runs one
 * handler (`request` or `response`) of an APPSYNC_JS module with a context
 * given as JSON, and answers with the same fields: `evaluationResult` (JSON
 * string), `error` ({message, codeErrors?}), `logs`, `stash` (JSON string) and
 * `outErrors` (JSON string of util.appendError entries).
 *
 * Members are present or absent as on AWS, where every one is optional: a
 * success has no `error`; a failure has no `evaluationResult`. Every failure
 * has the same members whatever its kind (code AppSync rejects, an exception,
 * util.error, an unsupported runtime, a context that is not an object):
 * `error`, `logs`, `stash` (as far as the handler got; the context's stash
 * when it never ran) and `outErrors` (the errors appended until then).
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

/** The `runtime` member of an EvaluateCode request. */
export interface EvaluateRuntime {
  name: string;
  runtimeVersion: string;
}

/** The one runtime EvaluateCode (and this twin) accepts. */
export const APPSYNC_JS_RUNTIME: EvaluateRuntime = { name: 'APPSYNC_JS', runtimeVersion: '1.0.0' };

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
  options: { timeoutMs?: number; now?: () => number; runtime?: EvaluateRuntime } = {},
): EvaluateCodeResult {
  const file = 'code.js';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const runtime = options.runtime ?? APPSYNC_JS_RUNTIME;
  if (runtime.name !== APPSYNC_JS_RUNTIME.name || runtime.runtimeVersion !== APPSYNC_JS_RUNTIME.runtimeVersion) {
    return failure(
      {
        message: `Unsupported runtime ${runtime.name} ${runtime.runtimeVersion}: the only runtime is ${APPSYNC_JS_RUNTIME.name} ${APPSYNC_JS_RUNTIME.runtimeVersion}.`,
      },
      [],
    );
  }
  let context: unknown;
  try {
    context = JSON.parse(contextJson);
  } catch (err) {
    return failure({ message: `The context is not valid JSON: ${errorMessage(err)}` }, []);
  }
  if (!isRecord(context)) return failure({ message: 'The context must be a JSON object.' }, []);
  const givenStash = isRecord(context['stash']) ? context['stash'] : {};

  const sandbox = createSandbox();
  const invocation = createInvocation({
    authType: authTypeOf(context['identity']),
    ...(options.now ? { now: options.now } : {}),
  });
  sandbox.holder.current = invocation;
  let stash: unknown = givenStash;
  let originalColumn = (_line: number, column: number): number => column;
  try {
    const bundle = loadBundle(code, file, sandbox, timeoutMs);
    originalColumn = bundle.originalColumn;
    const handler = fn === 'request' ? bundle.request : bundle.response;
    if (typeof handler !== 'function') {
      return failure({ message: `The code does not export a ${fn} function.` }, invocation.logs, stash);
    }
    const args = context['arguments'] ?? context['args'] ?? {};
    const ctx = sandbox.importValue({
      ...context,
      arguments: args,
      args,
      stash: givenStash,
      prev: isRecord(context['prev']) ? context['prev'] : { result: null },
      env: isRecord(context['env']) ? context['env'] : {},
    }) as Record<string, unknown>;
    stash = ctx['stash'];
    const result = sandbox.call(handler, ctx, timeoutMs);
    return finish(result);
  } catch (thrown) {
    if (thrown instanceof ResolverLoadError) {
      const codeErrors: CodeError[] = [
        {
          errorType: 'PARSER_ERROR',
          value: thrown.message,
          location: { line: thrown.line, column: thrown.column, span: 0 },
        },
      ];
      return failure({ message: thrown.message, codeErrors }, invocation.logs, stash);
    }
    const failed = classifyThrown(thrown, file, originalColumn);
    switch (failed.kind) {
      case 'earlyReturn':
        return finish(failed.signal.value);
      case 'utilError':
        return failure({ message: failed.signal.message }, invocation.logs, stash, invocation.errors);
      case 'timeout':
      case 'code':
        return failure({ message: failed.message }, invocation.logs, stash, invocation.errors);
    }
  } finally {
    sandbox.holder.current = null;
  }

  function finish(result: unknown): EvaluateCodeResult {
    return {
      evaluationResult: JSON.stringify(result === undefined ? null : result),
      logs: invocation.logs,
      stash: JSON.stringify(stash ?? {}),
      outErrors: JSON.stringify(invocation.errors),
    };
  }
}

/** A failed evaluation: the same members for every kind of failure. */
function failure(
  error: NonNullable<EvaluateCodeResult['error']>,
  logs: string[],
  stash: unknown = {},
  outErrors: readonly unknown[] = [],
): EvaluateCodeResult {
  return { error, logs, stash: JSON.stringify(stash ?? {}), outErrors: JSON.stringify(outErrors) };
}
