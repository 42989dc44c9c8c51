/**
 * Runs one resolver the way AppSync does [DOC resolver-reference-overview-js, runtime-utils-js]:
 *
 * - Unit: request → data source → response. `runtime.earlyReturn(obj)` in the
 *   request handler skips the data source and the response handler; `obj` is the field value.
 * - Pipeline: resolver request → (fn.request → data source → fn.response)×n → resolver response.
 *   The resolver request's return value is `ctx.prev.result` for the first function,
 *   each function's response value the next `ctx.prev.result`; the last is both
 *   `ctx.prev.result` and `ctx.result` in the resolver response. `ctx.stash` is
 *   one object for the whole run. earlyReturn in a function request skips that
 *   function's data source and response (skipTo NEXT, the default) or the rest
 *   of the pipeline (skipTo END); in the resolver request it skips every function.
 * - util.error stops everything (field null + error); util.appendError only records.
 * Handler return values cross a JSON boundary, as AppSync serialises them.
 */
import type { LoadedBundle } from '../runtime/loadBundle.js';
import type { Sandbox } from '../runtime/sandbox.js';
import type { Invocation } from '../runtime/invocation.js';
import { classifyThrown, type HandlerFailure } from '../runtime/handlerError.js';
import type { DataSource } from '../datasources/types.js';

export interface PipelineFunction {
  readonly id: string;
  readonly bundle: LoadedBundle;
  readonly dataSource: DataSource;
}

export interface LoadedResolver {
  /** `<typeName>.<fieldName>`, e.g. `Query.item` */
  readonly id: string;
  readonly bundle: LoadedBundle;
  readonly dataSource?: DataSource;
  readonly functions?: readonly PipelineFunction[];
}

/** The parts of ctx that come from the request (AppSync's Context object [DOC]). */
export interface ContextParts {
  readonly args: Record<string, unknown>;
  readonly identity: unknown;
  readonly source: unknown;
  readonly info: {
    fieldName: string;
    parentTypeName: string;
    variables: Record<string, unknown>;
    /** Computed on first read (most resolvers never look). */
    selectionSetList: string[] | (() => string[]);
    selectionSetGraphQL: string | (() => string);
  };
  readonly request: { headers: Record<string, string | string[]>; domainName: string | null };
  readonly env: Readonly<Record<string, string>>;
}

export interface FieldError {
  readonly message: string;
  readonly errorType: string | null;
  readonly data: unknown;
  readonly errorInfo: unknown;
  readonly unauthorized?: boolean;
}

export type ResolverOutcome = { ok: true; value: unknown } | { ok: false; error: FieldError };

type Step = { kind: 'value'; value: unknown } | HandlerFailure;

function failureToError(f: HandlerFailure): FieldError {
  switch (f.kind) {
    case 'utilError':
      return {
        message: f.signal.message,
        errorType: f.signal.errorType,
        data: f.signal.data,
        errorInfo: f.signal.errorInfo,
        unauthorized: f.signal.unauthorized,
      };
    case 'timeout':
      return { message: f.message, errorType: 'ExecutionTimeout', data: null, errorInfo: null };
    case 'code':
      return { message: f.message, errorType: 'Code', data: null, errorInfo: null };
    case 'earlyReturn':
      return { message: 'earlyReturn is not allowed here', errorType: 'Code', data: null, errorInfo: null };
  }
}

export interface RunOptions {
  readonly sandbox: Sandbox;
  readonly invocation: Invocation;
  readonly timeoutMs: number;
}

function callHandler(
  opts: RunOptions,
  bundle: LoadedBundle,
  name: 'request' | 'response',
  ctx: Record<string, unknown>,
  fallback: () => unknown,
): Step {
  const handler = name === 'request' ? bundle.request : bundle.response;
  if (typeof handler !== 'function') return { kind: 'value', value: fallback() };
  opts.sandbox.holder.current = opts.invocation;
  try {
    return { kind: 'value', value: opts.sandbox.exportValue(opts.sandbox.call(handler, ctx, opts.timeoutMs)) };
  } catch (thrown) {
    const failure = classifyThrown(thrown, bundle.file, bundle.originalColumn);
    return failure.kind === 'earlyReturn' ? { kind: 'earlyReturn', signal: failure.signal } : failure;
  } finally {
    opts.sandbox.holder.current = null;
  }
}

/** Builds ctx in the sandbox's realm (resolver code sees its own Object and Array). */
export function buildContext(sandbox: Sandbox, parts: ContextParts): Record<string, unknown> {
  const { selectionSetList, selectionSetGraphQL, variables, ...infoRest } = parts.info;
  const ctx = sandbox.importValue({
    arguments: parts.args,
    identity: parts.identity,
    source: parts.source,
    stash: {},
    prev: { result: null },
    result: null,
    request: parts.request,
    info: infoRest,
    env: parts.env,
  }) as Record<string, unknown>;
  ctx['args'] = ctx['arguments'];
  const info = ctx['info'] as Record<string, unknown>;
  // Every variable of the request, copied only for a resolver that reads them: a request of many fields
  // (the aggregator's bands) would otherwise copy all of them into every field's ctx.
  sandbox.defineLazyValue(info, 'variables', () => sandbox.importValue(variables));
  // JSON.stringify(ctx.info) leaves these two out [DOC]: non-enumerable.
  sandbox.defineLazy(info, 'selectionSetList', () =>
    sandbox.importValue(typeof selectionSetList === 'function' ? selectionSetList() : selectionSetList),
  );
  sandbox.defineLazy(info, 'selectionSetGraphQL', () =>
    typeof selectionSetGraphQL === 'function' ? selectionSetGraphQL() : selectionSetGraphQL,
  );
  Object.freeze(ctx['env']);
  return ctx;
}

async function callDataSource(
  opts: RunOptions,
  ds: DataSource,
  callerId: string,
  request: unknown,
  ctx: Record<string, unknown>,
): Promise<void> {
  const out = await ds.invoke({ request, callerId });
  ctx['result'] = opts.sandbox.importValue(out.result ?? null) ?? null;
  if (out.error) ctx['error'] = opts.sandbox.importValue(out.error);
  else delete ctx['error'];
}

/** Runs a unit or pipeline resolver for one field. */
export async function runResolver(
  opts: RunOptions,
  resolver: LoadedResolver,
  parts: ContextParts,
): Promise<ResolverOutcome> {
  const ctx = buildContext(opts.sandbox, parts);
  const fail = (f: HandlerFailure): ResolverOutcome => ({ ok: false, error: failureToError(f) });

  if (!resolver.functions) {
    const req = callHandler(opts, resolver.bundle, 'request', ctx, () => ({}));
    if (req.kind === 'earlyReturn') return { ok: true, value: opts.sandbox.exportValue(req.signal.value) };
    if (req.kind !== 'value') return fail(req);
    if (!resolver.dataSource)
      return {
        ok: false,
        error: { message: `No data source for ${resolver.id}`, errorType: 'Code', data: null, errorInfo: null },
      };
    await callDataSource(opts, resolver.dataSource, resolver.id, req.value, ctx);
    const res = callHandler(opts, resolver.bundle, 'response', ctx, () => ctx['result']);
    if (res.kind === 'earlyReturn') return { ok: true, value: opts.sandbox.exportValue(res.signal.value) };
    if (res.kind !== 'value') return fail(res);
    return { ok: true, value: res.value };
  }

  const prev = ctx['prev'] as Record<string, unknown>;
  const before = callHandler(opts, resolver.bundle, 'request', ctx, () => ({}));
  let skipAll = false;
  if (before.kind === 'earlyReturn') {
    prev['result'] = opts.sandbox.importValue(opts.sandbox.exportValue(before.signal.value));
    skipAll = true;
  } else if (before.kind !== 'value') return fail(before);
  else prev['result'] = opts.sandbox.importValue(before.value);

  if (!skipAll) {
    for (const fn of resolver.functions) {
      ctx['result'] = null;
      delete ctx['error'];
      const req = callHandler(opts, fn.bundle, 'request', ctx, () => ({}));
      if (req.kind === 'earlyReturn') {
        prev['result'] = opts.sandbox.importValue(opts.sandbox.exportValue(req.signal.value));
        if (req.signal.skipTo === 'END') break;
        continue;
      }
      if (req.kind !== 'value') return fail(req);
      await callDataSource(opts, fn.dataSource, fn.id, req.value, ctx);
      const res = callHandler(opts, fn.bundle, 'response', ctx, () => ctx['result']);
      if (res.kind === 'earlyReturn') {
        prev['result'] = opts.sandbox.importValue(opts.sandbox.exportValue(res.signal.value));
        if (res.signal.skipTo === 'END') break;
        continue;
      }
      if (res.kind !== 'value') return fail(res);
      prev['result'] = opts.sandbox.importValue(res.value);
    }
  }
  ctx['result'] = prev['result'];
  delete ctx['error'];
  const after = callHandler(opts, resolver.bundle, 'response', ctx, () => prev['result']);
  if (after.kind === 'earlyReturn') return { ok: true, value: opts.sandbox.exportValue(after.signal.value) };
  if (after.kind !== 'value') return fail(after);
  return { ok: true, value: after.value };
}
