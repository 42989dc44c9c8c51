// Creating the runtime (bundles checked at load, as a deploy) and unit-resolver details.
import { describe, expect, it } from 'vitest';
import {
  createAppSyncRuntime,
  ResolverLoadError,
  RuntimeConfigError,
  type FunctionDefinition,
  type UnitResolverDefinition,
} from '../../local/appsync/index.js';
import { evalInSandbox } from './evalHelpers.js';

const SCHEMA = 'type Query { one: String two: String three: String }';
const headers = { 'x-api-key': 'k' };

/** Unit resolvers on a NONE data source, one per `Query.<field>` of `code`. */
function runtimeWith(code: Record<string, string>) {
  const resolvers = Object.entries(code).map(
    ([name, c]): UnitResolverDefinition => ({
      typeName: 'Query',
      fieldName: name.replace(/^Query\./, ''),
      kind: 'UNIT',
      dataSourceName: 'none',
      code: c,
    }),
  );
  return createAppSyncRuntime({
    api: {
      schema: SCHEMA,
      dataSources: [{ name: 'none', type: 'NONE' }],
      resolvers,
      environmentVariables: { STAGE: 'test' },
      auth: { apiKeys: [{ id: 'k', expiresAt: '2999-01-01T00:00:00Z' }], iam: [] },
    },
  });
}

describe('creating the runtime', () => {
  it('refuses a bundle with syntax AppSync rejects, naming the bundle and line', () => {
    const make = () =>
      runtimeWith({ 'Query.one': 'export function request(ctx) {\n  let i = 0;\n  i++;\n  return {};\n}\n' });
    expect(make).toThrow(ResolverLoadError);
    expect(make).toThrow(/Query\.one\.js:3:3: \+\+ operator is not supported/);
  });
  const fn = 'export function request(ctx) { return {}; }\nexport function response(ctx) { return ctx.result; }\n';
  const withPipeline = (functions: FunctionDefinition[], names: string[], dataSourceName = 'none') =>
    createAppSyncRuntime({
      api: {
        schema: SCHEMA,
        dataSources: [{ name: 'none', type: 'NONE' }],
        functions,
        resolvers: [
          { typeName: 'Query', fieldName: 'one', kind: 'PIPELINE', pipelineConfig: { functions: names }, code: fn },
          { typeName: 'Query', fieldName: 'two', kind: 'UNIT', dataSourceName, code: fn },
        ],
        auth: { apiKeys: [], iam: [] },
      },
    });
  it('refuses a resolver on a data source the API does not define', () => {
    expect(() => withPipeline([], [], 'missing')).toThrow(RuntimeConfigError);
    expect(() => withPipeline([], [], 'missing')).toThrow(/Query\.two: no data source named "missing"/);
  });
  it('refuses a pipeline naming a function the API does not define', () => {
    expect(() => withPipeline([], ['nope'])).toThrow(/Query\.one: no pipeline function named "nope"/);
  });
  it('refuses a pipeline of more than 10 functions (AppSync quota)', () => {
    const functions = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, dataSourceName: 'none', code: fn }));
    expect(() =>
      withPipeline(
        functions,
        functions.map((f) => f.name),
      ),
    ).toThrow(/at most 10 functions/);
  });
});

describe('unit resolvers', () => {
  const runtime = runtimeWith({
    'Query.one': `import { runtime, util } from '@aws-appsync/utils';
export function request(ctx) {
  runtime.earlyReturn('early:' + ctx.env.STAGE);
}
export function response(ctx) {
  util.error('response must not run');
}
`,
    'Query.two': `import { util } from '@aws-appsync/utils';
export function request(ctx) {
  ctx.env.STAGE = 'changed';
  return { payload: null };
}
export function response(ctx) {
  return 'unreachable';
}
`,
    'Query.three': `import { util } from '@aws-appsync/utils';
export function request(ctx) {
  return { payload: null };
}
export function response(ctx) {
  util.error('plain message');
}
`,
  });

  it('earlyReturn in the request skips the data source and the response handler', async () => {
    expect((await runtime.execute({ query: '{ one }', headers })).body).toEqual({ data: { one: 'early:test' } });
  });

  it('ctx.env is read-only', async () => {
    const out = (await runtime.execute({ query: '{ two }', headers })).body as {
      errors: Array<Record<string, unknown>>;
    };
    // Assigning to a frozen object in strict mode is a TypeError: a code error.
    expect(out.errors[0]).toMatchObject({
      errorType: 'Code',
      message: expect.stringMatching(/read only|read-only|Cannot assign/),
    });
  });

  it('util.error without a type gives errorType null', async () => {
    const out = (await runtime.execute({ query: '{ three }', headers })).body as {
      errors: Array<Record<string, unknown>>;
    };
    expect(out.errors).toEqual([
      {
        path: ['three'],
        data: null,
        errorType: null,
        errorInfo: null,
        locations: [{ line: 1, column: 3, sourceName: null }],
        message: 'plain message',
      },
    ]);
  });
});

describe('lazy ctx.info getters', () => {
  it('are functions of the sandbox realm (no way out to Node through them)', async () => {
    const runtime = runtimeWith({
      'Query.one': `export function request(ctx) {
  return { payload: null };
}
export function response(ctx) {
  const getter = Object.getOwnPropertyDescriptor(ctx.info, 'selectionSetList').get;
  return typeof getter.constructor('return process')();
}
`,
    });
    const out = (await runtime.execute({ query: '{ one }', headers })).body as { errors: Array<{ message: string }> };
    expect(out.errors[0]?.message).toMatch(/Code generation from strings disallowed/);
  });
});

describe('toSubscriptionFilter rules', () => {
  it('adds the rules so that at least one must hold', () => {
    expect(
      evalInSandbox('util.transform.toSubscriptionFilter({ a: { eq: 1 } }, [], { b: { eq: 2 }, c: { ne: 3 } })'),
    ).toEqual({
      filterGroup: [
        {
          filters: [
            { fieldName: 'a', operator: 'eq', value: 1 },
            { fieldName: 'b', operator: 'eq', value: 2 },
          ],
        },
        {
          filters: [
            { fieldName: 'a', operator: 'eq', value: 1 },
            { fieldName: 'c', operator: 'ne', value: 3 },
          ],
        },
      ],
    });
  });
});
