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
  /** The sandbox-realm function that runs a bundle's module factory with the importer and the budget check. */
  readonly loadModule: unknown;
  /** Defines a lazily computed, non-enumerable property with a sandbox-realm getter. */
  defineLazy(obj: object, name: string, thunk: () => unknown): void;
  /**
   * Defines an enumerable property computed on its first read (or set by its
   * first write), from then on an ordinary writable data property.
   */
  defineLazyValue(obj: object, name: string, thunk: () => unknown): void;
  /**
   * Copies a value into the sandbox's realm as a JSON round trip would (so
   * resolver code sees its own Object/Array and never a host object).
   */
  importValue(value: unknown): unknown;
  /**
   * A sandbox value as the host gets it back through a JSON round trip (as
   * AppSync serialises what handlers return): host-realm objects, `null` for
   * what JSON.stringify gives nothing for; what JSON refuses throws its error.
   */
  exportValue(value: unknown): unknown;
  /** Calls a sandbox function with one argument under the time limit. */
  call(fn: unknown, arg: unknown, timeoutMs: number): unknown;
  /** The budget check instrumented code calls (`__appsync_tick`, a parameter of each loaded module). */
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
  const tick = function () {
    ticks = (ticks + 1) | 0;
    if ((ticks & 1023) === 0) checkTime();
  };
  globalThis.__appsync_tick = tick;
  for (const name of Object.keys(roots.globals)) globalThis[name] = roots.globals[name];
  // APPSYNC_JS has no Promise; without it (and without try/catch) nothing can catch what the runtime throws.
  delete globalThis.Promise;
  delete Array.fromAsync;
  const modules = roots.modules;
  const importer = function (id) { return Object.hasOwn(modules, id) ? modules[id] : undefined; };
  // Copies host data into this realm with the result of a JSON round trip; UNCOPIED where JSON must decide.
  // It uses only what it captures now, before any resolver code runs, and fills fresh literals, whose
  // prototypes APPSYNC_JS code cannot give accessors (no defineProperty, no setPrototypeOf); an
  // Array.prototype whose prototype was swapped anyway sends every copy through JSON (copyData).
  // Only fresh copies and primitives come back: never a host object.
  const keysOf = Object.keys;
  const isArray = Array.isArray;
  const protoOf = Object.getPrototypeOf;
  const isFinite = Number.isFinite;
  const objectProto = Object.prototype;
  const arrayProto = Array.prototype;
  const UNCOPIED = {};
  const MAX_DEPTH = 200;
  const copy = function (v, depth, hostObjectProto, hostArrayProto) {
    if (v === null) return null;
    const t = typeof v;
    if (t === 'string' || t === 'boolean') return v;
    if (t === 'number') return isFinite(v) ? (v === 0 ? 0 : v) : null;
    if (t !== 'object' || depth > MAX_DEPTH) return UNCOPIED;
    const proto = protoOf(v);
    if (isArray(v)) {
      if (proto !== hostArrayProto) return UNCOPIED;
      const n = v.length;
      const out = [];
      for (let i = 0; i < n; i += 1) {
        const item = v[i];
        const c = item === undefined || typeof item === 'symbol' ? null : copy(item, depth + 1, hostObjectProto, hostArrayProto);
        if (c === UNCOPIED) return UNCOPIED;
        out[i] = c;
      }
      return out;
    }
    if (proto !== hostObjectProto && proto !== null) return UNCOPIED;
    const keys = keysOf(v);
    const out = {};
    for (let i = 0; i < keys.length; i += 1) {
      const key = keys[i];
      if (key === '__proto__') return UNCOPIED;
      const item = v[key];
      if (item === undefined || typeof item === 'symbol') continue;
      const c = copy(item, depth + 1, hostObjectProto, hostArrayProto);
      if (c === UNCOPIED) return UNCOPIED;
      out[key] = c;
    }
    return out;
  };
  return {
    copyData: function (value, hostObjectProto, hostArrayProto) {
      // An Array.prototype given a prototype with setters would see the copies being filled in.
      if (protoOf(arrayProto) !== objectProto) return UNCOPIED;
      return copy(value, 0, hostObjectProto, hostArrayProto);
    },
    uncopied: UNCOPIED,
    importer: importer,
    // A bundle's module gets the budget check as a parameter: a global lookup in a vm context costs far more
    // than the check itself, and code loaded earlier cannot swap it for another.
    loadModule: function (factory) { return factory(importer, tick); },
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

/** A value the direct copy leaves to JSON. */
const UNEXPORTED: unique symbol = Symbol('unexported');
/** Nesting past which JSON decides (a cycle, or a value too deep for the copy's recursion). */
const MAX_EXPORT_DEPTH = 200;

/**
 * The sandbox-to-host half of the copies: plain sandbox data (objects of
 * the sandbox's Object.prototype or none, arrays, JSON's primitives) is
 * copied directly with JSON.parse(JSON.stringify(value))'s result; anything
 * JSON treats specially (toJSON anywhere, other prototypes, BigInt, a key
 * `__proto__`, cycles) goes through JSON itself. The prototypes are the
 * realm's own, taken before any resolver code runs.
 */
function createExporter([objectProto, arrayProto]: [object, object]): (value: unknown) => unknown {
  const copy = (v: unknown, depth: number): unknown => {
    if (v === null) return null;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
      case 'object':
        break;
      default:
        return UNEXPORTED;
    }
    if (depth > MAX_EXPORT_DEPTH) return UNEXPORTED;
    const proto: unknown = Object.getPrototypeOf(v);
    if (Array.isArray(v)) {
      if (proto !== arrayProto) return UNEXPORTED;
      const items: unknown[] = v;
      const out: unknown[] = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i += 1) {
        const item = items[i];
        const t = typeof item;
        if (item === undefined || t === 'function' || t === 'symbol') out[i] = null;
        else {
          const c = copy(item, depth + 1);
          if (c === UNEXPORTED) return UNEXPORTED;
          out[i] = c;
        }
      }
      return out;
    }
    if (proto !== objectProto && proto !== null) return UNEXPORTED;
    const source = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      if (key === '__proto__' || key === 'toJSON') return UNEXPORTED;
      const item = source[key];
      const t = typeof item;
      if (item === undefined || t === 'function' || t === 'symbol') continue;
      const c = copy(item, depth + 1);
      if (c === UNEXPORTED) return UNEXPORTED;
      out[key] = c;
    }
    return out;
  };
  const viaJson = (value: unknown): unknown => {
    const text = JSON.stringify(value);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  };
  return (value) => {
    if (value === undefined) return null;
    // Resolver code may reshape the realm's prototypes: then JSON decides everything.
    const plainRealm =
      Object.getPrototypeOf(arrayProto) === objectProto && !('toJSON' in objectProto) && !('toJSON' in arrayProto);
    if (!plainRealm) return viaJson(value);
    const copied = copy(value, 0);
    return copied === UNEXPORTED ? viaJson(value) : copied;
  };
}

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

  // Filled in once the bridge is built (the bridge's host functions import their results).
  let copyData: (value: unknown, objectProto: object, arrayProto: object) => unknown = () => uncopied;
  let uncopied: unknown = {};
  /** The JSON round trip of `value`, made in the sandbox's realm. */
  const jsonCopy = (value: unknown): unknown => {
    // Plain data (what the runtime and data sources hand over) is copied directly, with JSON's result;
    // anything JSON would treat specially (toJSON, functions, class instances, cycles) goes through JSON.
    if (!('toJSON' in Object.prototype) && !('toJSON' in Array.prototype)) {
      const copy = copyData(value, Object.prototype, Array.prototype);
      if (copy !== uncopied) return copy;
    }
    const text = JSON.stringify(value);
    return text === undefined ? undefined : rawParse(text);
  };
  const importValue = (value: unknown): unknown => {
    if (value === undefined) return undefined;
    if (value === null || typeof value !== 'object') return value;
    const copy = jsonCopy(value);
    // Typed sets made by toStringSet & co. stay recognisable after the copy.
    return isTypedSet(value) && typeof copy === 'object' && copy !== null ? markTypedSet(copy) : copy;
  };
  const exportValue = createExporter(
    vm.runInContext('[Object.prototype, Array.prototype]', context) as [object, object],
  );
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
    copyData: typeof copyData;
    uncopied: unknown;
    importer: unknown;
    loadModule: unknown;
    defineLazy: (obj: object, name: string, thunk: () => unknown) => void;
    defineLazyValue: (obj: object, name: string, thunk: () => unknown) => void;
  };
  const made = makeBridge(bridge, checkTime, specs);
  const { importer, loadModule, defineLazy, defineLazyValue } = made;
  copyData = made.copyData;
  uncopied = made.uncopied;
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
    loadModule,
    defineLazy,
    defineLazyValue,
    importValue,
    exportValue,
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
