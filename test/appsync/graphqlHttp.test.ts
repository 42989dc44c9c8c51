// GraphQL over real HTTP: execution, errors in AppSync's shape, null propagation, ctx, bad input.
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import http from 'node:http';
import { startGraphqlServer, type GraphqlServer } from '../../local/appsync/index.js';
import { createTestTable } from '../support/resources.js';
import { createTestRuntime, apiKeyHeaders } from './fixtures/testRuntime.js';
import { post } from './httpClient.js';

let server: GraphqlServer;

beforeAll(async () => {
  const { tableName } = await createTestTable(inject('dynamodbEndpoint'));
  const runtime = createTestRuntime({ ddbEndpoint: inject('dynamodbEndpoint'), tableName, timeoutMs: 200 });
  server = await startGraphqlServer({ port: 0, host: '127.0.0.1', runtime });
});
afterAll(async () => {
  await server.close();
});

const gql = (query: string, variables?: Record<string, unknown>) =>
  post(server.url, JSON.stringify({ query, variables }), apiKeyHeaders);

describe('execution', () => {
  it('runs a NONE resolver', async () => {
    const out = await gql('query { echo(msg: "hi") }');
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ data: { echo: 'hi' } });
  });

  it('writes and reads DynamoDB through resolvers; data-source errors reach the response handler as ctx.error', async () => {
    expect((await gql('mutation { putItem(id: "1", value: 7) { id value } }')).body).toEqual({
      data: { putItem: { id: '1', value: 7 } },
    });
    expect((await gql('mutation { bump(id: "1", by: 3) { value } }')).body).toEqual({ data: { bump: { value: 10 } } });
    expect((await gql('{ item(id: "1") { id value } }')).body).toEqual({ data: { item: { id: '1', value: 10 } } });
    const conflict = await gql('mutation { putItem(id: "1", value: 8, onlyNew: true) { value } }');
    expect(conflict.body.data).toEqual({ putItem: null });
    expect(conflict.body.errors).toEqual([
      {
        path: ['putItem'],
        // util.error data (the current item) filtered by the selection set { value }
        data: { value: 10 },
        errorType: 'DynamoDB:ConditionalCheckFailedException',
        errorInfo: null,
        locations: [{ line: 1, column: 12, sourceName: null }],
        message: expect.stringMatching(
          /^The conditional request failed \(Service: DynamoDb, Status Code: 400, Request ID: /,
        ),
      },
    ]);
    // Deleting twice: the second conditional delete of a missing item is a success with null.
    expect((await gql('mutation { deleteItem(id: "1") { id } }')).body).toEqual({ data: { deleteItem: { id: '1' } } });
    expect((await gql('mutation { deleteItem(id: "1") { id } }')).body).toEqual({ data: { deleteItem: null } });
  });

  it('paginates with tokens bound to their resolver', async () => {
    for (const n of [1, 2, 3]) await gql(`mutation { putItem(id: "page-${n}", value: ${n}) { id } }`);
    // items() reads partition "ITEM#page-n" - use the partition of one id to page through its single row;
    // page through a real multi-row partition through the data source tests; here check token binding.
    const first = await gql('{ items(pk: "ITEM#page-1", limit: 1) { items { id value } nextToken } }');
    const page = first.body.data?.['items'] as { items: unknown[]; nextToken: string | null };
    expect(page.items).toEqual([{ id: 'A', value: 1 }]);
    expect(typeof page.nextToken).toBe('string');
    const foreign = await gql(
      'query ($t: String) { otherItems(pk: "ITEM#page-1", limit: 1, nextToken: $t) { nextToken } }',
      { t: page.nextToken },
    );
    expect(foreign.body.data).toBeNull();
    expect(foreign.body.errors?.[0]).toMatchObject({ path: ['otherItems'], errorType: 'DynamoDB:ValidationException' });
    const last = await gql(
      'query ($t: String) { items(pk: "ITEM#page-1", limit: 1, nextToken: $t) { items { id } nextToken } }',
      { t: page.nextToken },
    );
    expect(last.body).toEqual({ data: { items: { items: [], nextToken: null } } });
  });

  it('a resolver that throws gives a clean error for its field; the rest of the query still answers', async () => {
    const out = await gql('{ failing echo(msg: "still here") }');
    expect(out.body.data).toEqual({ failing: null, echo: 'still here' });
    expect(out.body.errors?.[0]).toMatchObject({
      path: ['failing'],
      errorType: 'Code',
      message: expect.stringMatching(/^Query\.failing\.js:\d+:\d+: .*null/),
    });
  });

  it('a resolver that loops is stopped by the time limit', async () => {
    const out = await gql('{ looping }');
    expect(out.body.data).toEqual({ looping: null });
    expect(out.body.errors?.[0]).toMatchObject({ path: ['looping'], errorType: 'ExecutionTimeout' });
  });

  it('util.unauthorized gives the Unauthorized error of the field', async () => {
    const out = await gql('{ denied }');
    expect(out.body.errors?.[0]).toMatchObject({
      path: ['denied'],
      errorType: 'Unauthorized',
      message: 'Not Authorized to access denied on type Query',
    });
  });

  it('null propagates to the nearest nullable parent, as GraphQL requires', async () => {
    const nested = await gql('{ strict { required optional } }');
    expect(nested.body.data).toEqual({ strict: null });
    expect(nested.body.errors?.[0]).toMatchObject({ path: ['strict', 'required'] });
    const root = await gql('{ strictRoot echo(msg: "x") }');
    expect(root.body.data).toBeNull();
    expect(root.body.errors?.[0]).toMatchObject({ path: ['strictRoot'] });
  });

  it('fills ctx: args, identity (null for API key), source, info with selection set, request headers, env', async () => {
    const out = await post(
      server.url,
      JSON.stringify({
        query: 'query Q($x: Int) { whoami(x: $x) { json renamed: sub { name } } }',
        variables: { x: 5 },
      }),
      { ...apiKeyHeaders, 'x-custom': 'c1', cookie: 'secret=1' },
    );
    const json = JSON.parse((out.body.data?.['whoami'] as { json: string }).json);
    expect(json).toMatchObject({
      identity: null,
      args: { x: 5 },
      arguments: { x: 5 },
      source: null,
      fieldName: 'whoami',
      parentTypeName: 'Query',
      variables: { x: 5 },
      selectionSetList: ['json', 'renamed', 'renamed/name'],
      selectionSetGraphQL: '{\n  json\n  renamed: sub {\n    name\n  }\n}',
      domainName: null,
      env: { STREAM_NAME: 'none' },
      authType: 'API Key Authorization',
    });
    expect(json.headers['x-custom']).toBe('c1');
    expect(json.headers['x-api-key']).toBe(apiKeyHeaders['x-api-key']);
    expect(json.headers['cookie']).toBeUndefined();
    // JSON.stringify(ctx.info) leaves out selectionSetList and selectionSetGraphQL.
    expect(JSON.parse(json.infoJson)).toEqual({ fieldName: 'whoami', parentTypeName: 'Query', variables: { x: 5 } });
  });

  it('a header sent twice reaches the resolver as an array', async () => {
    const res = await new Promise<string>((resolve, reject) => {
      const body = JSON.stringify({ query: '{ whoami { json } }' });
      const req = http.request(
        server.url,
        {
          method: 'POST',
          headers: [
            'host',
            new URL(server.url).host,
            'x-api-key',
            apiKeyHeaders['x-api-key'],
            'content-type',
            'application/json',
            'x-multi',
            'a',
            'x-multi',
            'b',
          ],
        },
        (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    const json = JSON.parse(JSON.parse(res).data.whoami.json);
    expect(json.headers['x-multi']).toEqual(['a', 'b']);
  });

  it('validates AppSync scalars in variables, literals and results; AWSJSON arguments arrive parsed', async () => {
    const out = await post(
      server.url,
      JSON.stringify({
        query: 'mutation ($m: String!) { publish(classId: 1, msg: $m) { at } }',
        variables: { m: 'x' },
      }),
      apiKeyHeaders,
    );
    expect(Date.parse((out.body.data?.['publish'] as { at: string }).at)).toBeGreaterThan(0);
    const ok = await gql('query ($at: AWSDateTime!) { dateArg(at: $at, j: "{\\"a\\":1}") }', {
      at: '2026-01-01T10:00:00.000+02:00',
    });
    expect(ok.body).toEqual({ data: { dateArg: '2026-01-01T10:00:00.000+02:00|object|{"a":1}' } });
    const badVar = await gql('query ($at: AWSDateTime!) { dateArg(at: $at) }', { at: '2026-13-01' });
    expect(badVar.body.errors?.[0]?.['message']).toMatch(/AWSDateTime/);
    const badLiteral = await gql('{ dateArg(at: "tomorrow") }');
    expect(badLiteral.body.errors?.[0]?.['message']).toMatch(/AWSDateTime/);
    const badOut = await gql('{ badDate }');
    expect(badOut.body.data).toEqual({ badDate: null });
    expect(badOut.body.errors?.[0]).toMatchObject({
      path: ['badDate'],
      message: expect.stringMatching(/not a valid 'AWSDateTime'/),
    });
  });
});

describe('bad input never crashes the server', () => {
  it('malformed JSON → 400 in AppSync shape', async () => {
    const out = await post(server.url, '{"query": ', apiKeyHeaders);
    expect(out.status).toBe(400);
    expect(out.body.errors?.[0]?.['errorType']).toBe('MalformedHttpRequestException');
  });
  it('a body without a query → 400', async () => {
    expect((await post(server.url, '{"variables": {}}', apiKeyHeaders)).status).toBe(400);
  });
  it('malformed GraphQL → error with location', async () => {
    const out = await gql('{ echo(msg: "x" ');
    expect(out.body.errors?.[0]).toMatchObject({
      errorType: 'InvalidSyntax',
      locations: [{ line: 1, column: 17, sourceName: null }],
    });
  });
  it('unknown fields → validation error naming the field', async () => {
    const out = await gql('{ nope }');
    expect(out.body.data).toBeNull();
    expect(out.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringContaining('nope'),
    });
  });
  it('an oversize body → 413', async () => {
    const big = JSON.stringify({ query: `{ echo(msg: "${'x'.repeat(1024 * 1024 + 10)}") }` });
    const out = await post(server.url, big, apiKeyHeaders);
    expect(out.status).toBe(413);
  });
  it('answers CORS preflights for the web app', async () => {
    const res = await fetch(server.url, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-api-key');
  });
  it('still answers after all of the above', async () => {
    expect((await gql('{ echo(msg: "alive") }')).body).toEqual({ data: { echo: 'alive' } });
  });
});
