import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { evaluateCode, ResolverLoadError } from '../../local/appsync/index.js';
import { createSandbox } from '../../local/appsync/runtime/sandbox.js';
import { loadBundle } from '../../local/appsync/runtime/loadBundle.js';
import { buildContext } from '../../local/appsync/execution/runResolver.js';
import { bundleFixture } from './fixtures/bundle.js';
import { evalInSandbox } from './evalHelpers.js';
import { errorMessage } from '../../lib/toError.js';

const load = (code: string, file = 'code.js') => loadBundle(code, file, createSandbox(), 1000);

/** Whether a value's objects and arrays, all the way down, have these prototypes (a realm's). */
const madeOf =
  (objectProto: object, arrayProto: object) =>
  (v: unknown): boolean =>
    typeof v !== 'object' ||
    v === null ||
    (Object.getPrototypeOf(v) === (Array.isArray(v) ? arrayProto : objectProto) &&
      Object.values(v as object).every(madeOf(objectProto, arrayProto)));

/** JSON text that tells -0 apart from 0 (JSON writes both as 0). */
const exact = (v: unknown): string | undefined => JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '-0' : x));

describe('the APPSYNC_JS sandbox', () => {
  it('has no Node APIs: require, process, timers, fetch, Buffer, eval', () => {
    const out = evaluateCode(
      `export function request(ctx) {
  return [typeof require, typeof process, typeof setTimeout, typeof setInterval, typeof fetch, typeof Buffer, typeof module, typeof globalThis.util];
}`,
      '{}',
      'request',
    );
    expect(JSON.parse(out.evaluationResult ?? '')).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      'object',
    ]);
    const evalOut = evaluateCode('export function request(ctx) { return eval("1 + 1"); }', '{}', 'request');
    expect(evalOut.error?.message).toMatch(/Code generation from strings disallowed/);
  });

  it.each([
    'util.constructor.constructor("return process")()',
    'util.time.nowISO8601.constructor("return process")()',
    'util.dynamodb.toDynamoDB({}).constructor.constructor("return process")()',
    'ddb.get.constructor("return process")()',
    'console.log.constructor("return process")()',
    'runtime.earlyReturn.constructor("return process")()',
    '__appsync_tick.constructor("return process")()',
    '__appsync_import.constructor("return process")()',
    'Object.getOwnPropertyDescriptor(ctx.info, "selectionSetList").get.constructor("return process")()',
  ])('cannot climb out to Node through %s', (expression) => {
    const out = evaluateCode(
      `import { util, runtime } from '@aws-appsync/utils';\nimport * as ddb from '@aws-appsync/utils/dynamodb';\nexport function request(ctx) {\n  return typeof (${expression});\n}`,
      '{"info":{"fieldName":"f"}}',
      'request',
    );
    expect(out.evaluationResult).toBeUndefined();
    expect(out.error?.message).toMatch(
      /Code generation from strings disallowed|is not a function|Cannot read properties of undefined/,
    );
  });

  it('has no Promise, so nothing can catch what util.error or the time limit throw', () => {
    expect(evalInSandbox('[typeof Promise, typeof Array.fromAsync]')).toEqual(['undefined', 'undefined']);
    expect(() => load('export function request(ctx) { return import("node:fs"); }')).toThrow(
      /dynamic import\(\) is not supported/,
    );
  });

  it('console output is captured as logs, not printed', () => {
    const out = evaluateCode(
      'export function request(ctx) { console.log("hello", { a: 1 }); console.error("bad"); return null; }',
      '{}',
      'request',
    );
    expect(out.logs).toEqual(['INFO - hello {"a":1}', 'ERROR - bad']);
  });

  it('an endless loop ends with a clean timeout error', () => {
    const started = Date.now();
    const out = evaluateCode(
      `export function request(ctx) {
  let n = 0;
  for (const a of Array(100000).fill(0)) {
    for (const b of Array(100000).fill(0)) { n = n + a + b; }
  }
  return n;
}`,
      '{}',
      'request',
      { timeoutMs: 100 },
    );
    expect(out.error?.message).toBe('Execution timed out after 100 ms.');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('code that replaces the global budget check does not escape the time limit, in its own module or a later one', () => {
    const sandbox = createSandbox();
    const endless = `export function request(ctx) {
  let n = 0;
  for (const a of Array(100000).fill(0)) {
    for (const b of Array(100000).fill(0)) { n = n + a + b; }
  }
  return n;
}`;
    const first = loadBundle(`globalThis.__appsync_tick = function () {};\n${endless}`, 'first.js', sandbox, 1000);
    const later = loadBundle(endless, 'later.js', sandbox, 1000);
    const ctx = sandbox.importValue({});
    for (const bundle of [first, later]) {
      const started = Date.now();
      expect(() => sandbox.call(bundle.request, ctx, 100)).toThrow('Execution timed out after 100 ms.');
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('a for-of over an array that grows forever is stopped too, with the original line and column in errors', () => {
    const out = evaluateCode(
      'export function request(ctx) {\n  const a = [1];\n  for (const x of a) { a.push(x); }\n  return a;\n}',
      '{}',
      'request',
      { timeoutMs: 50 },
    );
    expect(out.error?.message).toBe('Execution timed out after 50 ms.');
    // Instrumentation inserted before the error on the same line does not shift the reported column.
    const code = 'export function request(ctx) { const f = (a) => a.b.c; for (const k of [1]) { return f({}) + k; } }';
    expect(evaluateCode(code, '{}', 'request').error?.message).toBe(
      `code.js:1:${code.indexOf('a.b.c') + 5}: Cannot read properties of undefined (reading 'c')`,
    );
  });

  it('binds imports of an esbuild bundle whatever local names esbuild chose (util2)', async () => {
    const code = await bundleFixture('Query.bundled');
    expect(code).toMatch(/util2/);
    const out = evaluateCode(code, '{"arguments":{"pk":"P1"}}', 'request');
    expect(out.error).toBeUndefined();
    expect(JSON.parse(out.evaluationResult ?? '')).toEqual({
      payload: {
        request: { operation: 'GetItem', key: { PK: { S: 'P1' } } },
        label: 'local helper',
        key: 'key:P1',
        id: 36,
      },
    });
  });

  it('copies values into its realm exactly as a JSON round trip would, whatever they hold', () => {
    const sandbox = createSandbox();
    const realm = vm.runInContext(
      '({ object: Object.prototype, array: Array.prototype, stringify: JSON.stringify })',
      sandbox.context,
    ) as {
      object: object;
      array: object;
      stringify: (v: unknown) => string;
    };
    const inRealm = madeOf(realm.object, realm.array);
    const values: unknown[] = [
      { rank: 1, racerId: 'r-1', name: null, output: 12.5, second: 3, ok: true, '2': 'b', '1': 'a' },
      {
        zero: -0,
        nan: NaN,
        inf: -Infinity,
        gone: undefined,
        sym: Symbol('s'),
        list: [undefined, -0, NaN, Symbol('t')],
      },
      Object.assign(Object.create(null) as object, {
        inner: Object.assign(Object.create(null) as object, { deep: [1, [2]] }),
      }),
      JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}') as unknown,
      { when: new Date(0), toJSONs: { toJSON: () => 'T' }, fn: () => 1 },
      [1, , 3],
      { text: 'lone \ud800 and \u2028' },
      [],
      {},
    ];
    for (const value of values) {
      const copy = sandbox.importValue(value);
      const viaJson: unknown = vm.runInContext('JSON.parse', sandbox.context)(JSON.stringify(value));
      expect(inRealm(copy)).toBe(true);
      expect(exact(copy)).toBe(exact(viaJson));
      expect(realm.stringify(copy)).toBe(realm.stringify(viaJson));
      expect(Object.getOwnPropertyNames(copy)).toEqual(Object.getOwnPropertyNames(viaJson));
    }
    expect(Object.getPrototypeOf(sandbox.importValue(JSON.parse('{"__proto__": {"x": 1}}')))).toBe(realm.object);
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(() => sandbox.importValue(cycle)).toThrow(TypeError);
    expect(() => sandbox.importValue({ big: 1n })).toThrow(TypeError);
    let deep: Record<string, unknown> = {};
    const top = deep;
    for (let i = 0; i < 500; i += 1) deep = deep['next'] = {};
    expect(realm.stringify(sandbox.importValue(top))).toBe(JSON.stringify(top));
  });

  it('gives values back to the host exactly as a JSON round trip would, whatever they hold', () => {
    const sandbox = createSandbox();
    const inSandbox = (code: string): unknown => vm.runInContext(`(${code})`, sandbox.context);
    const inHost = madeOf(Object.prototype, Array.prototype);
    const roundTrip = (v: unknown): unknown => {
      const text = JSON.stringify(v);
      return text === undefined ? null : (JSON.parse(text) as unknown);
    };
    const check = (value: unknown) => {
      const copy = sandbox.exportValue(value);
      expect(inHost(copy)).toBe(true);
      expect(exact(copy)).toBe(exact(roundTrip(value)));
      if (typeof copy === 'object' && copy !== null)
        expect(Object.getOwnPropertyNames(copy)).toEqual(Object.getOwnPropertyNames(roundTrip(value)));
    };
    for (const code of [
      `{ rank: 1, racerId: 'r-1', name: null, output: 12.5, second: 3, ok: true, '2': 'b', '1': 'a' }`,
      `{ zero: -0, nan: NaN, inf: -Infinity, gone: undefined, sym: Symbol('s'), fn: () => 1, list: [undefined, -0, NaN, Symbol('t'), () => 2] }`,
      `Object.assign(Object.create(null), { inner: Object.assign(Object.create(null), { deep: [1, [2]] }) })`,
      `JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}')`,
      `{ when: new Date(0), own: { toJSON: () => 'T' }, notCallable: { toJSON: 3 }, boxed: new String('s'), map: new Map([[1, 2]]) }`,
      `{ get computed() { return [1, 2]; }, plain: 1 }`,
      `[1, , 3]`,
      `{ text: 'lone \\ud800 and \\u2028' }`,
      `[]`,
      `{}`,
      `'text'`,
      `-0`,
      `undefined`,
      `() => 1`,
      `Symbol('top')`,
    ])
      check(inSandbox(code));
    expect(() => sandbox.exportValue(inSandbox('(() => { const c = {}; c.self = c; return c; })()'))).toThrow(
      TypeError,
    );
    expect(() => sandbox.exportValue(inSandbox('{ big: 1n }'))).toThrow(TypeError);
    check(
      inSandbox(
        '(() => { const top = {}; let d = top; for (let i = 0; i < 500; i += 1) d = d.next = {}; return top; })()',
      ),
    );
    // A realm whose prototypes resolver code reshaped: JSON decides.
    vm.runInContext("Object.prototype.toJSON = function () { return 'everything'; }", sandbox.context);
    check(inSandbox('{ a: 1 }'));
    expect(sandbox.exportValue(inSandbox('{ a: 1 }'))).toBe('everything');
  });

  it('copies by JSON once resolver code gives Array.prototype a prototype of its own', () => {
    const sandbox = createSandbox();
    vm.runInContext('Object.setPrototypeOf(Array.prototype, { set 0(v) { globalThis.seen = v; } })', sandbox.context);
    const copy = sandbox.importValue({ list: [{ a: 1 }] });
    expect(vm.runInContext('globalThis.seen', sandbox.context)).toBeUndefined();
    expect(JSON.stringify(copy)).toBe('{"list":[{"a":1}]}');
  });

  it("lets a module's own declarations shadow the built-ins its wrapper binds", () => {
    const sandbox = createSandbox();
    const bundle = loadBundle(
      `const JSON = { stringify: function () { return 'own'; } };
function isNaN() { return 'own isNaN'; }
export function request(ctx) {
  return [JSON.stringify({}), isNaN(1), Math.floor(2.5), Number.isFinite(ctx.n), typeof util.time.nowEpochSeconds];
}`,
      'shadow.js',
      sandbox,
      1000,
    );
    expect(JSON.stringify(sandbox.call(bundle.request, sandbox.importValue({ n: 3 }), 1000))).toBe(
      '["own","own isNaN",2,true,"function"]',
    );
  });

  it('refuses imports of modules AppSync does not provide', () => {
    expect(() => load("import fs from 'node:fs';\nexport function request(ctx) { return fs; }")).toThrow(
      /import of "node:fs"/,
    );
  });
});

describe('load-time syntax gate (AppSync refuses these at deploy)', () => {
  it.each([
    ['try { a(); } catch (e) { b(); }', 'try/catch/finally'],
    ['throw new Error("x");', 'throw'],
    ['while (ctx.a) { ctx.a = false; }', 'while'],
    ['do { ctx.a = 1; } while (false);', 'do-while'],
    ['for (let i = 0; i < 3; i = i + 1) { ctx.a = i; }', 'classic for(;;)'],
    ['for (const x of [1]) { if (x) { continue; } }', 'continue'],
    ['outer: for (const x of [1]) { break outer; }', 'labeled statement'],
    ['const y = "a" in ctx;', '`in` operator'],
    ['let i = 0; i++;', '++ operator'],
    ['let i = 0; i--;', '-- operator'],
    ['const y = ~1;', '~ operator'],
    ['class A {}', 'class'],
    ['function* g() { yield 1; }', 'generator function'],
    ['const f = async () => 1;', 'async function'],
    ['const r = /ab+c/;', 'regular expression literal'],
    ['const t = this;', 'this'],
  ])('%s', (statement, construct) => {
    const code = `export function request(ctx) {\n  ${statement}\n  return {};\n}\n`;
    let thrown: unknown;
    try {
      load(code, 'Query.bad.js');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ResolverLoadError);
    const e = thrown as ResolverLoadError;
    expect(e.message).toContain(construct);
    expect(e.file).toBe('Query.bad.js');
    expect(e.line).toBe(2);
  });

  it('allows for-of, for-in, switch, spread, optional chaining, template literals, arrow functions', () => {
    const code = `export function request(ctx) {
  const out = [];
  for (const x of [1, 2]) { out.push(x); }
  for (const k in { a: 1 }) { out.push(k); }
  switch (out.length) { case 3: out.push('three'); break; default: break; }
  const f = (v) => \`v=\${v ?? 'none'}\`;
  return { out: [...out, f(ctx.args?.missing)] };
}`;
    expect(JSON.parse(evaluateCode(code, '{}', 'request').evaluationResult ?? '')).toEqual({
      out: [1, 2, 'a', 'three', 'v=none'],
    });
  });

  it('names the original TypeScript file and line through the bundle source map', async () => {
    const code = await bundleFixture('Query.forbidden');
    let message = '';
    try {
      load(code, 'Query.forbidden.js');
    } catch (err) {
      message = errorMessage(err);
    }
    expect(message).toMatch(/Query\.forbidden\.ts:9:3 .*while is not supported/);
  });

  describe('ctx.info.variables', () => {
    /** A resolver's ctx whose variables count how often they are copied into the sandbox. */
    function contextFor(sandbox: ReturnType<typeof createSandbox>) {
      const copies = { count: 0 };
      const variables = {
        toJSON: () => {
          copies.count += 1;
          return { x: 1, big: 'y'.repeat(1000) };
        },
      };
      const ctx = buildContext(sandbox, {
        args: {},
        identity: null,
        source: null,
        info: {
          fieldName: 'f',
          parentTypeName: 'Query',
          variables: variables as unknown as Record<string, unknown>,
          selectionSetList: [],
          selectionSetGraphQL: '',
        },
        request: { headers: {}, domainName: null },
        env: {},
      });
      return { ctx, copies };
    }

    it('are copied in only for a resolver that reads them, once, and are then plain data it may change', () => {
      const sandbox = createSandbox();
      const reader = loadBundle(
        `export function request(ctx) {
  const keys = Object.keys(ctx.info);
  ctx.info.variables.x = 2;
  const changed = ctx.info.variables.x;
  const plain = typeof Object.getOwnPropertyDescriptor(ctx.info, 'variables').value;
  const json = JSON.stringify(ctx.info).length > 1000;
  ctx.info.variables = { y: 3 };
  return { keys, changed, plain, json, replaced: ctx.info.variables };
}`,
        'reader.js',
        sandbox,
        1000,
      );
      const read = contextFor(sandbox);
      expect(sandbox.call(reader.request, read.ctx, 1000)).toEqual({
        keys: ['fieldName', 'parentTypeName', 'variables'],
        changed: 2,
        plain: 'object',
        json: true,
        replaced: { y: 3 },
      });
      expect(read.copies.count).toBe(1);

      const ignorer = loadBundle('export function request(ctx) { return ctx.info.fieldName; }', 'i.js', sandbox, 1000);
      const ignored = contextFor(sandbox);
      expect(sandbox.call(ignorer.request, ignored.ctx, 1000)).toBe('f');
      expect(ignored.copies.count).toBe(0);
    });

    it('cannot be climbed out of through the lazy property', () => {
      const sandbox = createSandbox();
      const climber = loadBundle(
        `export function request(ctx) {
  const d = Object.getOwnPropertyDescriptor(ctx.info, 'variables');
  return d.get.constructor('return process')();
}`,
        'climb.js',
        sandbox,
        1000,
      );
      expect(() => sandbox.call(climber.request, contextFor(sandbox).ctx, 1000)).toThrow(
        /Code generation from strings disallowed/,
      );
    });
  });
});
