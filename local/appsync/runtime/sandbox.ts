/**
 * The APPSYNC_JS sandbox: a `node:vm` context holding only JavaScript's
 * built-ins plus AppSync's globals `util`, `extensions`, `runtime` and a
 * capturing `console` — no require, process, timers, fetch or filesystem
 * (AppSync: "no network or file system access"). String code generation
 * (`eval`, `Function`) is disabled. Every call into resolver code runs under a
 * time limit so an endless loop ends with a clean error instead of a hung
 * server: loaded code is instrumented with a budget check at every loop
 * iteration and function entry (see loadBundle), which costs nanoseconds,
 * where vm's own `timeout` starts a watchdog thread per call (~150 µs).
 * Module top-level code still runs under vm's `timeout`.
 */
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import { type InvocationHolder } from './invocation.js';
import { createUtil } from '../util/createUtil.js';
import { createExtensions } from '../util/extensions.js';
import { createRuntimeGlobal } from '../util/runtimeGlobal.js';
import { createConsole } from '../util/console.js';
import { createDynamoDbModule } from '../util/ddbModule.js';

/** Resolver code ran longer than its time limit. */
export class ResolverTimeoutError extends Error {
  override readonly name = 'ResolverTimeoutError';
  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`Execution timed out after ${timeoutMs} ms.`, options);
  }
}

export interface Sandbox {
  readonly context: vm.Context;
  readonly holder: InvocationHolder;
  /** Modules resolver code may import, by id. */
  readonly modules: ReadonlyMap<string, Record<string, unknown>>;
  /** Copies JSON data into the sandbox's realm (so resolver code sees its own Object/Array). */
  importValue(value: unknown): unknown;
  /** Calls a sandbox function with one argument under the time limit. */
  call(fn: unknown, arg: unknown, timeoutMs: number): unknown;
  /** The budget check instrumented code calls (global `__appsync_tick`). */
  readonly tick: () => void;
  /** Runs a compiled script under the time limit. */
  run(script: vm.Script, timeoutMs: number): unknown;
}

// Defined inside the context: AppSync's JSON.parse "returns a blank string on
// invalid JSON instead of throwing" (supported-features doc).
const PRELUDE = `(function () {
  'use strict';
  const parse = JSON.parse;
  Object.defineProperty(JSON, 'parse', { value: function parse_(text, reviver) {
    try { return parse(text, reviver); } catch (e) { return ''; }
  }, writable: true, configurable: true });
  return parse;
})()`;

function isTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/** A fresh sandbox with AppSync's globals. */
export function createSandbox(): Sandbox {
  const holder: InvocationHolder = { current: null };
  const util = createUtil(holder);
  const globals = {
    util,
    extensions: createExtensions(holder),
    runtime: createRuntimeGlobal(),
    console: createConsole(holder),
  };
  // Budget of the current call: checked every 1,024 ticks to keep the check cheap.
  let deadline = Number.POSITIVE_INFINITY;
  let budgetMs = 0;
  let ticks = 0;
  const tick = (): void => {
    ticks = (ticks + 1) | 0;
    if ((ticks & 1023) === 0 && performance.now() > deadline) {
      deadline = Number.POSITIVE_INFINITY;
      throw new ResolverTimeoutError(budgetMs);
    }
  };
  const context = vm.createContext(
    { ...globals, __appsync_tick: tick },
    { name: 'APPSYNC_JS', codeGeneration: { strings: false, wasm: false } },
  );
  const rawParse = vm.runInContext(PRELUDE, context) as (text: string) => unknown;
  // Web-ish extras V8 puts on every context that APPSYNC_JS does not have.
  vm.runInContext('delete globalThis.WebAssembly; delete globalThis.SharedArrayBuffer; delete globalThis.Atomics;', context);
  const utilsModule: Record<string, unknown> = { ...globals, default: globals };
  const modules = new Map<string, Record<string, unknown>>([
    ['@aws-appsync/utils', utilsModule],
    ['@aws-appsync/utils/dynamodb', createDynamoDbModule()],
  ]);

  function run(script: vm.Script, timeoutMs: number): unknown {
    try {
      return script.runInContext(context, { timeout: timeoutMs, breakOnSigint: false });
    } catch (err) {
      if (isTimeout(err)) throw new ResolverTimeoutError(timeoutMs, { cause: err });
      throw err;
    }
  }

  return {
    context,
    holder,
    modules,
    importValue(value: unknown): unknown {
      if (value === undefined) return undefined;
      const text = JSON.stringify(value);
      return text === undefined ? undefined : rawParse(text);
    },
    tick,
    call(fn: unknown, arg: unknown, timeoutMs: number): unknown {
      if (typeof fn !== 'function') throw new TypeError('not a function');
      const outer = deadline;
      budgetMs = timeoutMs;
      deadline = Math.min(outer, performance.now() + timeoutMs);
      try {
        return (fn as (a: unknown) => unknown)(arg);
      } finally {
        deadline = outer;
      }
    },
    run,
  };
}
