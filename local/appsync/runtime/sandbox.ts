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
import { isTypedSet, markTypedSet } from '../util/typedValues.js';

/** Resolver code ran longer than its time limit. */
export class ResolverTimeoutError extends Error {
  override readonly name = 'ResolverTimeoutError';
  constructor(readonly timeoutMs: number, options?: { cause?: unknown }) {
    super(`Execution timed out after ${timeoutMs} ms.`, options);
  }
}

export interface Sandbox {
  readonly context: vm.Context;
  readonly holder: InvocationHolder;
  /** Ids of the modules resolver code may import. */
  readonly moduleIds: ReadonlySet<string>;
  /** The sandbox-realm function that hands a module to the loaded code. */
  readonly importer: unknown;
  /** Defines a lazily computed, non-enumerable property with a sandbox-realm getter. */
  defineLazy(obj: object, name: string, thunk: () => unknown): void;
  /**
   * Defines an enumerable property computed on its first read (or set by its
   * first write), from then on an ordinary writable data property.
   */
  defineLazyValue(obj: object, name: string, thunk: () => unknown): void;
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

// Built inside the context: resolver code only ever touches functions and
// objects of its own realm (whose Function constructor cannot compile code),
// never a host function it could climb out of through `.constructor`. Each
// wrapper calls a host bridge held in a closure, and results come back as
// copies made in the sandbox's realm.
const BRIDGE = `(function (bridge, checkTime, specs) {
  'use strict';
  // Numbers in specs index host functions; objects are nested namespaces.
  const wrap = (i) => function (a, b, c, d, e, f) {
    const n = arguments.length;
    return n > 6 ? bridge(i, n, Array.prototype.slice.call(arguments)) : bridge(i, n, a, b, c, d, e, f);
  };
  const build = (node) => {
    const out = {};
    for (const key of Object.keys(node)) out[key] = typeof node[key] === 'number' ? wrap(node[key]) : build(node[key]);
    return out;
  };
  const roots = build(specs);
  let ticks = 0;
  globalThis.__appsync_tick = function () {
    ticks = (ticks + 1) | 0;
    if ((ticks & 1023) === 0) checkTime();
  };
  for (const name of Object.keys(roots.globals)) globalThis[name] = roots.globals[name];
  // APPSYNC_JS has no Promise; without it (and without try/catch) nothing can catch what the runtime throws.
  delete globalThis.Promise;
  delete Array.fromAsync;
  const modules = roots.modules;
  return {
    importer: function (id) { return Object.hasOwn(modules, id) ? modules[id] : undefined; },
    defineLazy: function (obj, name, thunk) {
      let done = false;
      let value;
      Object.defineProperty(obj, name, {
        get: function () { if (!done) { value = thunk(); done = true; } return value; },
        enumerable: false,
        configurable: true,
      });
    },
    defineLazyValue: function (obj, name, thunk) {
      let done = false;
      let value;
      // Once settled the property is plain data; on an object frozen meanwhile the accessor keeps the value.
      const settle = function (v) {
        value = v;
        done = true;
        try {
          Object.defineProperty(obj, name, { value: v, writable: true, enumerable: true, configurable: true });
        } catch (e) {}
        return v;
      };
      Object.defineProperty(obj, name, {
        get: function () { return done ? value : settle(thunk()); },
        set: function (v) { settle(v); },
        enumerable: true,
        configurable: true,
      });
    },
  };
})`;

type Spec = { [key: string]: number | Spec };
type HostFunction = (...args: unknown[]) => unknown;

/** Describes an object tree of host functions (a number = index in `table`). */
function describe(value: Record<string, unknown>, table: HostFunction[]): Spec {
  const spec: Spec = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'function') {
      spec[key] = table.length;
      table.push(v as HostFunction);
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v))
      spec[key] = describe(v as Record<string, unknown>, table);
  }
  return spec;
}

/** A fresh sandbox with AppSync's globals. */
export function createSandbox(): Sandbox {
  const holder: InvocationHolder = { current: null };
  const globals = {
    util: createUtil(holder),
    extensions: createExtensions(holder),
    runtime: createRuntimeGlobal(),
    console: createConsole(holder),
  };
  const hostModules: Record<string, Record<string, unknown>> = {
    '@aws-appsync/utils': { ...globals, default: globals },
    '@aws-appsync/utils/dynamodb': createDynamoDbModule(),
  };
  // Budget of the current call: checked every 1,024 ticks to keep the check cheap.
  let deadline = Number.POSITIVE_INFINITY;
  let budgetMs = 0;
  const checkTime = (): void => {
    if (performance.now() > deadline) {
      deadline = Number.POSITIVE_INFINITY;
      throw new ResolverTimeoutError(budgetMs);
    }
  };
  const context = vm.createContext({}, { name: 'APPSYNC_JS', codeGeneration: { strings: false, wasm: false } });
  const rawParse = vm.runInContext(PRELUDE, context) as (text: string) => unknown;
  // Web-ish extras V8 puts on every context that APPSYNC_JS does not have.
  vm.runInContext(
    'delete globalThis.WebAssembly; delete globalThis.SharedArrayBuffer; delete globalThis.Atomics;',
    context,
  );

  const importValue = (value: unknown): unknown => {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object') return value;
    const text = JSON.stringify(value);
    if (text === undefined) return undefined;
    const copy = rawParse(text);
    // Typed sets made by toStringSet & co. stay recognisable after the copy.
    return isTypedSet(value) && typeof copy === 'object' && copy !== null ? markTypedSet(copy) : copy;
  };
  const table: HostFunction[] = [];
  const specs = { globals: describe(globals, table), modules: describe(hostModules, table) };
  // Called by the wrappers: (index, argument count, up to six arguments) or (index, count, [all arguments]).
  const bridge = (i: number, n: number, ...rest: unknown[]): unknown => {
    const fn = table[i];
    if (!fn) throw new TypeError('not a function');
    const args = n > 6 ? (rest[0] as unknown[]) : rest.slice(0, n);
    return importValue(fn(...args));
  };
  const makeBridge = vm.runInContext(BRIDGE, context) as (
    b: typeof bridge,
    c: typeof checkTime,
    s: typeof specs,
  ) => {
    importer: unknown;
    defineLazy: (obj: object, name: string, thunk: () => unknown) => void;
    defineLazyValue: (obj: object, name: string, thunk: () => unknown) => void;
  };
  const { importer, defineLazy, defineLazyValue } = makeBridge(bridge, checkTime, specs);
  const tick = vm.runInContext('__appsync_tick', context) as () => void;

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
    moduleIds: new Set(Object.keys(hostModules)),
    importer,
    defineLazy,
    defineLazyValue,
    importValue,
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
