/**
 * Test helper: runs one handler of a resolver bundle through the local twin
 * of AppSync's EvaluateCode (local/appsync/runtime/evaluateCode.ts), the way
 * `aws appsync evaluate-code` checks a resolver on AWS.
 */
import { evaluateCode, type HandlerName } from '../../local/appsync/runtime/evaluateCode.js';
import { bundleResolvers, type ResolverBundle } from '../../resolvers/build.js';

let bundles: Promise<Map<string, ResolverBundle>> | null = null;

/** Every bundle of the manifest, built once per test file. */
export function allBundles(): Promise<Map<string, ResolverBundle>> {
  bundles ??= bundleResolvers();
  return bundles;
}

export interface Evaluated {
  readonly result: unknown;
  readonly error: string | null;
  readonly stash: Record<string, unknown>;
}

/** Evaluates `fn` of bundle `name` with the given context at the given clock time. */
export async function evaluate(
  name: string,
  fn: HandlerName,
  context: Record<string, unknown>,
  nowMillis: number,
): Promise<Evaluated> {
  const bundle = (await allBundles()).get(name);
  if (!bundle) throw new Error(`no bundle ${name}`);
  const out = evaluateCode(bundle.code, JSON.stringify(context), fn, { now: () => nowMillis });
  return {
    result: out.evaluationResult === undefined ? undefined : JSON.parse(out.evaluationResult),
    error: out.error ? out.error.message : null,
    stash: out.stash === undefined ? {} : (JSON.parse(out.stash) as Record<string, unknown>),
  };
}
