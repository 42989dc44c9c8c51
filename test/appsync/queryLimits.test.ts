// The API's query limits (queryDepthLimit, resolverCountLimit, introspectionConfig), the response size
// limit and the document guards, over real HTTP against the test API.
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeConfigError, startGraphqlServer, type GraphqlServer } from '../../local/appsync/index.js';
import { apiKeyHeaders, createTestRuntime } from './fixtures/testRuntime.js';
import { post } from './httpClient.js';

const servers: GraphqlServer[] = [];
let limited: GraphqlServer;
let closed: GraphqlServer;
let open: GraphqlServer;
let small: GraphqlServer;

beforeAll(async () => {
  const start = async (runtime: ReturnType<typeof createTestRuntime>): Promise<GraphqlServer> => {
    const server = await startGraphqlServer({ runtime });
    servers.push(server);
    return server;
  };
  limited = await start(createTestRuntime({ limits: { queryDepthLimit: 1, resolverCountLimit: 2 } }));
  closed = await start(createTestRuntime({ limits: { introspectionConfig: 'DISABLED' } }));
  open = await start(createTestRuntime());
  small = await start(createTestRuntime({}, { maxResponseBytes: 2_000 }));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

const gql = (server: GraphqlServer, query: string) => post(server.url, JSON.stringify({ query }), apiKeyHeaders);
const aliases = (count: number, selection: string) =>
  `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ')} }`;

describe('queryDepthLimit', () => {
  it('answers a field nested past the limit with null and a LimitExceededError at its path', async () => {
    const out = await gql(limited, '{ strict { optional } }');
    expect(out.status).toBe(200);
    expect(out.body).toEqual({
      data: { strict: { optional: null } },
      errors: [
        {
          path: ['strict', 'optional'],
          data: null,
          errorType: 'LimitExceededError',
          errorInfo: null,
          locations: [{ line: 1, column: 12, sourceName: null }],
          message: 'Query depth limit of 1 exceeded.',
        },
      ],
    });
  });

  it('propagates the error of a non-null field to its first nullable parent', async () => {
    const out = await gql(limited, '{ strict { required } }');
    expect(out.body.data).toEqual({ strict: null });
    expect(out.body.errors?.[0]).toMatchObject({ path: ['strict', 'required'], errorType: 'LimitExceededError' });
  });

  it('lets fields within the limit run, and counts levels, not list indexes', async () => {
    expect((await gql(limited, '{ echo(msg: "hi") }')).body).toEqual({ data: { echo: 'hi' } });
  });

  it('refuses a limit AppSync would not accept when the runtime is created', () => {
    expect(() => createTestRuntime({ limits: { queryDepthLimit: 76 } })).toThrow(RuntimeConfigError);
    expect(() => createTestRuntime({ limits: { resolverCountLimit: 10_001 } })).toThrow(RuntimeConfigError);
    expect(() => createTestRuntime({ limits: { queryDepthLimit: 0, resolverCountLimit: 0 } })).not.toThrow();
  });
});

describe('resolverCountLimit', () => {
  it('runs the first resolvers and answers each one past the limit with null and a LimitExceededError', async () => {
    const out = await gql(limited, '{ a: echo(msg: "1") b: echo(msg: "2") c: echo(msg: "3") d: echo(msg: "4") }');
    expect(out.body.data).toEqual({ a: '1', b: '2', c: null, d: null });
    expect(out.body.errors?.map((e) => [e['path'], e['errorType'], e['message']])).toEqual([
      [['c'], 'LimitExceededError', 'Resolver count limit of 2 exceeded.'],
      [['d'], 'LimitExceededError', 'Resolver count limit of 2 exceeded.'],
    ]);
  });

  it('counts per request', async () => {
    for (let i = 0; i < 3; i += 1)
      expect((await gql(limited, '{ a: echo(msg: "1") b: echo(msg: "2") }')).body).toEqual({
        data: { a: '1', b: '2' },
      });
  });
});

describe('introspectionConfig', () => {
  it('ENABLED (the default) answers the standard introspection query', async () => {
    const out = await gql(open, getIntrospectionQuery());
    expect(out.body.errors).toBeUndefined();
    expect(out.body.data?.['__schema']).toMatchObject({ queryType: { name: 'Query' } });
  });

  it('DISABLED refuses introspection fields with a ValidationError and still serves queries', async () => {
    const out = await gql(closed, getIntrospectionQuery());
    expect(out.body.data).toBeNull();
    expect(out.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringMatching(/__schema/),
    });
    expect((await gql(closed, '{ __type(name: "Query") { name } }')).body.errors?.[0]?.['errorType']).toBe(
      'ValidationError',
    );
    expect((await gql(closed, '{ echo(msg: "hi") __typename }')).body).toEqual({
      data: { echo: 'hi', __typename: 'Query' },
    });
  });
});

describe('documents built to exhaust the parser', () => {
  it.each([5_000, 10_000, 100_000])('a document nested %i levels deep gets an InvalidSyntax error', async (depth) => {
    const query = `{ strict ${'{ strict '.repeat(depth)}${'}'.repeat(depth)} }`;
    const out = await gql(open, query);
    expect(out.status).toBe(200);
    expect(out.body).toEqual({
      errors: [
        {
          path: null,
          errorType: 'InvalidSyntax',
          locations: [{ line: 1, column: 1 + 9 * 500, sourceName: null }],
          message: 'Syntax Error: the document nests deeper than 500 levels.',
        },
      ],
    });
  });

  it('deep lists and objects in arguments are refused the same way; brackets inside strings and comments do not count', async () => {
    const deepList = await gql(open, `{ echo(msg: ${'['.repeat(5_000)}"x"${']'.repeat(5_000)}) }`);
    expect(deepList.body.errors?.[0]).toMatchObject({ errorType: 'InvalidSyntax' });
    const text = '{'.repeat(2_000);
    const quoted = await gql(open, `# ${'('.repeat(2_000)}\n{ echo(msg: "${text}") b: echo(msg: """${text}""") }`);
    expect(quoted.body).toEqual({ data: { echo: text, b: text } });
  });

  it('a document of more than 15,000 tokens gets an InvalidSyntax error', async () => {
    const out = await gql(open, aliases(4_000, 'echo(msg: "x")'));
    expect(out.body.errors?.[0]).toMatchObject({
      errorType: 'InvalidSyntax',
      message: 'Syntax Error: Document contains more that 15000 tokens. Parsing aborted.',
    });
    expect((await gql(open, '{ echo(msg: "still here") }')).body).toEqual({ data: { echo: 'still here' } });
  });
});

describe('the response size limit', () => {
  it('replaces an answer above it with one LimitExceededError', async () => {
    const out = await gql(small, aliases(40, 'echo(msg: "0123456789012345678901234567890123456789012345678901234")'));
    expect(out.body).toEqual({
      data: null,
      errors: [
        {
          path: null,
          errorType: 'LimitExceededError',
          locations: [],
          message: 'Response size limit of 2000 bytes exceeded.',
        },
      ],
    });
    expect((await gql(small, aliases(3, 'echo(msg: "ok")'))).body.errors).toBeUndefined();
  });
});

describe('operations with many root fields (run in slices)', () => {
  it('answer exactly as one execution: order, fragments, directives, merged keys', async () => {
    const query = `query Q($yes: Boolean!, $no: Boolean!) {
      ${Array.from({ length: 20 }, (_, i) => `f${i}: echo(msg: "${i}")`).join('\n')}
      ...Extra @include(if: $yes)
      ...Extra2 @skip(if: $yes)
      ... on Query { inline: echo(msg: "inline") }
      ... @include(if: $no) { hidden: echo(msg: "hidden") }
      f3: echo(msg: "3")
      last: echo(msg: "last") @skip(if: $no)
      ${Array.from({ length: 20 }, (_, i) => `g${i}: __typename`).join('\n')}
    }
    fragment Extra on Query { extra: echo(msg: "extra") f4: echo(msg: "4") }
    fragment Extra2 on Query { skipped: echo(msg: "skipped") }`;
    const out = await post(open.url, JSON.stringify({ query, variables: { yes: true, no: false } }), apiKeyHeaders);
    expect(out.body.errors).toBeUndefined();
    const expected: Record<string, unknown> = {};
    for (let i = 0; i < 20; i += 1) expected[`f${i}`] = String(i);
    Object.assign(expected, { extra: 'extra', inline: 'inline', last: 'last' });
    for (let i = 0; i < 20; i += 1) expected[`g${i}`] = 'Query';
    expect(Object.keys(out.body.data ?? {})).toEqual(Object.keys(expected));
    expect(out.body.data).toEqual(expected);
  });

  it('refuse a variable that does not coerce before any slice runs, whichever slice uses it, as one execution', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => `f${i}: echo(msg: ${i === 39 ? '$late' : '$early'})`);
    const query = `query Q($early: String!, $late: String!) { ${fields.join(' ')} }`;
    const refused = await post(open.url, JSON.stringify({ query, variables: { early: 'a', late: 5 } }), apiKeyHeaders);
    expect(refused.body.data ?? null).toBeNull();
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors?.[0]?.message).toMatch(/^Variable "\$late" got invalid value 5/);
    const answered = await post(
      open.url,
      JSON.stringify({ query, variables: { early: 'a', late: 'z' } }),
      apiKeyHeaders,
    );
    expect(answered.body.errors).toBeUndefined();
    expect(answered.body.data).toMatchObject({ f0: 'a', f38: 'a', f39: 'z' });
  });

  it('give every slice the variables coerced once: defaults, nulls, absent variables and scalars that parse as one execution', async () => {
    const ask = async (count: number, variables: Record<string, unknown>) => {
      const fields = Array.from({ length: count }, (_, i) =>
        i % 3 === 0
          ? `f${i}: dateArg(at: $at, j: $j)`
          : i % 3 === 1
          ? `f${i}: dateArg(at: $at, j: $k)`
          : `f${i}: echo(msg: $m)`,
      );
      const query = `query Q($at: AWSDateTime!, $j: AWSJSON = "{\\"d\\":[1,2]}", $k: AWSJSON, $m: String = "dflt") { ${fields.join(
        ' ',
      )} }`;
      return post(open.url, JSON.stringify({ query, variables }), apiKeyHeaders);
    };
    for (const variables of [
      { at: '2026-12-08T00:00:00Z' },
      { at: '2026-12-08T00:00:00.5+01:00', j: '{"x":"y"}', k: null, m: 'given' },
      { at: '2026-12-08T00:00:00Z', j: null, k: '[1,"two",{"three":3}]' },
    ]) {
      // Three fields run in one piece, forty in slices: the sliced answer is the one-piece answer, field by field.
      const whole = await ask(3, variables);
      const sliced = await ask(40, variables);
      expect(whole.body.errors).toBeUndefined();
      expect(sliced.body.errors).toBeUndefined();
      const data = sliced.body.data as Record<string, unknown>;
      expect(Object.keys(data)).toHaveLength(40);
      for (let i = 0; i < 40; i += 1)
        expect(data[`f${i}`]).toEqual((whole.body.data as Record<string, unknown>)[`f${i % 3}`]);
    }
    const [first] = Object.values((await ask(40, { at: '2026-12-08T00:00:00Z' })).body.data as Record<string, string>);
    expect(first).toBe('2026-12-08T00:00:00Z|object|{"d":[1,2]}');
  });

  it('complete plain root results as one execution does, errors and their order included', async () => {
    // strict's value lacks its non-null `required` (graphql-js's error, the field null); whoami's completes plainly.
    const field = (i: number) =>
      i % 2 === 0
        ? `k${i}: strict { optional required __typename }`
        : `k${i}: whoami(x: ${i}) { sub { name __typename } __typename }`;
    const ask = (count: number) => gql(open, `{ ${Array.from({ length: count }, (_, i) => field(i)).join(' ')} }`);
    const whole = await ask(2);
    const sliced = await ask(40);
    expect(whole.body.data).toEqual({ k0: null, k1: { sub: { name: 'n', __typename: 'Sub' }, __typename: 'Who' } });
    const data = sliced.body.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(Array.from({ length: 40 }, (_, i) => `k${i}`));
    for (let i = 0; i < 40; i += 1)
      expect(data[`k${i}`]).toEqual((whole.body.data as Record<string, unknown>)[`k${i % 2}`]);
    const [wholeError] = whole.body.errors ?? [];
    expect(whole.body.errors).toHaveLength(1);
    expect(sliced.body.errors?.map((e) => e.path)).toEqual(
      Array.from({ length: 20 }, (_, i) => [`k${2 * i}`, 'required']),
    );
    // The same error at each place (its location is the field's own in each document).
    for (const e of sliced.body.errors ?? [])
      expect({ ...e, path: null, locations: null }).toEqual({ ...wholeError, path: null, locations: null });
  });

  it("run a resolver below a root field and refuse a field the caller's auth may not read, as one execution", async () => {
    // `shout` has a resolver of its own (whoami's value has no such property); `iamNote` is IAM only.
    const ask = (count: number) =>
      gql(
        open,
        `{ ${Array.from({ length: count }, (_, i) => `k${i}: whoami(x: ${i}) { sub { name shout iamNote } }`).join(
          ' ',
        )} }`,
      );
    const whole = await ask(1);
    const sliced = await ask(40);
    expect(whole.body.data).toEqual({ k0: { sub: { name: 'n', shout: 'N!', iamNote: null } } });
    expect(whole.body.errors?.map((e) => [e.path, e.errorType])).toEqual([[['k0', 'sub', 'iamNote'], 'Unauthorized']]);
    const data = sliced.body.data as Record<string, unknown>;
    for (let i = 0; i < 40; i += 1) expect(data[`k${i}`]).toEqual(whole.body.data?.['k0']);
    expect(sliced.body.errors?.map((e) => [e.path, e.errorType])).toEqual(
      Array.from({ length: 40 }, (_, i) => [[`k${i}`, 'sub', 'iamNote'], 'Unauthorized']),
    );
  });

  it('stop at the first non-null root field that fails: data is null, as in one execution', async () => {
    const out = await gql(open, `{ ${aliases(30, 'echo(msg: "x")').slice(1, -1)} bad: strictRoot }`);
    expect(out.body.data).toBeNull();
    expect(out.body.errors?.[0]).toMatchObject({ path: ['bad'] });
  });
});
