// Auth as AppSync does it: API keys, SigV4 (service appsync), directives per field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphqlServer, type GraphqlServer } from '../../local/appsync/index.js';
import { createTestRuntime, apiKeyHeaders } from './fixtures/testRuntime.js';
import { EXPIRED_API_KEY, TEST_IAM } from './fixtures/testApi.js';
import { post, signedHeaders } from './httpClient.js';

let server: GraphqlServer;
const runtime = createTestRuntime();

beforeAll(async () => {
  server = await startGraphqlServer({ runtime });
});
afterAll(async () => {
  await server.close();
});

const body = (query: string) => JSON.stringify({ query });
const iamPost = async (
  query: string,
  creds: { accessKeyId: string; secretAccessKey: string } = TEST_IAM,
  opts: { signingDate?: Date; service?: string } = {},
) => {
  const b = body(query);
  return post(server.url, b, await signedHeaders(server.url, b, creds, opts));
};
const UNAUTHORIZED = {
  errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
};

describe('API key', () => {
  it('a known, unexpired key is accepted', async () => {
    expect((await post(server.url, body('{ echo(msg: "k") }'), apiKeyHeaders)).body).toEqual({ data: { echo: 'k' } });
  });
  it('an unknown key is refused with 401 UnauthorizedException', async () => {
    const out = await post(server.url, body('{ echo(msg: "k") }'), { 'x-api-key': 'da2-nope' });
    expect(out.status).toBe(401);
    expect(out.body).toEqual(UNAUTHORIZED);
  });
  it('an expired key is refused the same way', async () => {
    const out = await post(server.url, body('{ echo(msg: "k") }'), { 'x-api-key': EXPIRED_API_KEY });
    expect(out.status).toBe(401);
    expect(out.body).toEqual(UNAUTHORIZED);
  });
  it('no auth header at all is refused', async () => {
    const out = await post(server.url, body('{ echo(msg: "k") }'), { 'content-type': 'application/json' });
    expect(out.status).toBe(401);
    expect(out.body).toEqual({
      errors: [{ errorType: 'UnauthorizedException', message: 'Valid authorization header not provided.' }],
    });
  });
});

describe('AWS_IAM (SigV4, service appsync)', () => {
  it('a request signed with known credentials is accepted and ctx.identity has the IAM shape', async () => {
    const out = await iamPost('{ iamOnly both }');
    expect(out.body).toEqual({ data: { iamOnly: 'secret', both: 'IAM Authorization' } });
  });

  it('wrong secret → signature mismatch (403)', async () => {
    const out = await iamPost('{ iamOnly }', { accessKeyId: TEST_IAM.accessKeyId, secretAccessKey: 'wrong' });
    expect(out.status).toBe(403);
    expect(out.body.errors?.[0]?.['errorType']).toBe('InvalidSignatureException');
  });

  it('a body changed after signing is refused', async () => {
    const headers = await signedHeaders(server.url, body('{ iamOnly }'), TEST_IAM);
    const out = await post(server.url, body('{ both }'), headers);
    expect(out.status).toBe(403);
  });

  it('a signature older than 5 minutes is refused', async () => {
    const out = await iamPost('{ iamOnly }', TEST_IAM, { signingDate: new Date(Date.now() - 6 * 60 * 1000) });
    expect(out.status).toBe(403);
    expect(out.body.errors?.[0]?.['message']).toMatch(/^Signature expired: /);
  });

  it('an unknown access key is refused', async () => {
    const out = await iamPost('{ iamOnly }', { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' });
    expect(out.status).toBe(401);
    expect(out.body.errors?.[0]?.['message']).toBe('The security token included in the request is invalid.');
  });

  it('a signature for another service is refused', async () => {
    const out = await iamPost('{ iamOnly }', TEST_IAM, { service: 'kinesis' });
    expect(out.status).toBe(403);
  });

  it('identity carries account, ARN and source IP', async () => {
    const out = await iamPost('{ whoami { json } }');
    // Query.whoami has no directive: the default mode (API key) only → IAM is refused for it.
    expect(out.body.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access whoami on type Query',
    });
    const auth = await runtime.authorize(await signedHeaders(server.url, '{}', TEST_IAM), '{}');
    expect(auth).toEqual({
      ok: true,
      mode: 'AWS_IAM',
      identity: {
        accountId: '123456789012',
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp: ['127.0.0.1'],
        username: 'AKIDTEST',
        userArn: 'arn:aws:iam::123456789012:user/AKIDTEST',
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    });
  });
});

describe('auth directives per field', () => {
  it('an IAM-only field refuses an API key with Unauthorized, other fields still answer', async () => {
    const out = await post(server.url, body('{ iamOnly echo(msg: "ok") }'), apiKeyHeaders);
    expect(out.body.data).toEqual({ iamOnly: null, echo: 'ok' });
    expect(out.body.errors).toEqual([
      {
        path: ['iamOnly'],
        data: null,
        errorType: 'Unauthorized',
        errorInfo: null,
        locations: [{ line: 1, column: 3, sourceName: null }],
        message: 'Not Authorized to access iamOnly on type Query',
      },
    ]);
  });
  it('type directives apply to fields without their own (Message allows both modes)', async () => {
    const out = await iamPost('mutation { publish(classId: 1, msg: "m") { classId msg } }');
    expect(out.body).toEqual({ data: { publish: { classId: 1, msg: 'm' } } });
  });
  it('allowedModes follows field, then type, then the default mode', () => {
    expect(runtime.allowedModes('Query', 'iamOnly')).toEqual(['AWS_IAM']);
    expect(runtime.allowedModes('Query', 'echo')).toEqual(['API_KEY']);
    expect(runtime.allowedModes('Message', 'msg')).toEqual(['API_KEY', 'AWS_IAM']);
  });
});
