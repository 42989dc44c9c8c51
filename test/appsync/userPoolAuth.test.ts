// AMAZON_COGNITO_USER_POOLS as AppSync runs it, against tokens of a real
// (local) user pool: the adversaries are a rider replaying an old token, a
// token minted for another app or another pool, a forged signature, a client
// that sends garbage or "Bearer …", and a rider reaching for a group's field.
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient, type AlleycatClient } from '../../client/index.js';
import type { UserPoolConfig } from '../../local/appsync/index.js';
import { startCognitoLocal } from '../../local/emulators/cognitoLocal.js';
import type { RunningEmulator } from '../../local/emulators/dynamodbLocal.js';
import { serveRuntime, type RuntimeServer } from '../realtime/support/runtimeServer.js';
import { until } from '../support/eventually.js';
import { createUserPoolRuntime, USER_POOL_API_KEY } from './fixtures/userPoolApi.js';
import { post, type HttpAnswer } from './httpClient.js';

interface Tokens {
  id: string;
  access: string;
}

let cognito: RunningEmulator;
let sdk: CognitoIdentityProviderClient;
let pool: UserPoolConfig;
let server: RuntimeServer;
const tokens: Record<'rider' | 'coach' | 'otherClient' | 'otherPool', Tokens> = {} as never;

async function createPool(name: string): Promise<string> {
  const created = await sdk.send(new CreateUserPoolCommand({ PoolName: name }));
  return created.UserPool?.Id ?? '';
}

async function createAppClient(userPoolId: string, name: string): Promise<string> {
  const created = await sdk.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: name,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
    }),
  );
  return created.UserPoolClient?.ClientId ?? '';
}

async function riderTokens(userPoolId: string, clientId: string, username: string, group?: string): Promise<Tokens> {
  const password = 'Pedal-power-9';
  await sdk.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: username,
      Password: password,
      UserAttributes: [{ Name: 'name', Value: username }],
    }),
  );
  await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId, Username: username }));
  if (group)
    await sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: group }));
  const answer = await sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  );
  return { id: answer.AuthenticationResult?.IdToken ?? '', access: answer.AuthenticationResult?.AccessToken ?? '' };
}

beforeAll(async () => {
  cognito = await startCognitoLocal();
  sdk = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const poolId = await createPool('riders');
  const appClient = await createAppClient(poolId, 'app');
  const otherClient = await createAppClient(poolId, 'other-app');
  await sdk.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'coaches' }));
  const otherPoolId = await createPool('someone-else');
  const otherPoolClient = await createAppClient(otherPoolId, 'app');
  tokens.rider = await riderTokens(poolId, appClient, 'rider_7');
  tokens.coach = await riderTokens(poolId, appClient, 'coach_1', 'coaches');
  tokens.otherClient = await riderTokens(poolId, otherClient, 'rider_8');
  tokens.otherPool = await riderTokens(otherPoolId, otherPoolClient, 'rider_7');
  pool = {
    userPoolId: poolId,
    awsRegion: 'us-east-1',
    appIdClientRegex: appClient,
    issuer: `${cognito.endpoint}/${poolId}`,
  };
  server = await serveRuntime(createUserPoolRuntime(pool));
}, 60_000);

afterAll(async () => {
  await server?.close();
  sdk?.destroy();
  await cognito?.stop();
});

const ask = (query: string, authorization: Record<string, string>, url = server.graphqlUrl): Promise<HttpAnswer> =>
  post(url, JSON.stringify({ query }), { 'content-type': 'application/json', ...authorization });

const refused = (message: string) => ({ errors: [{ errorType: 'UnauthorizedException', message }] });

function identityOf(answer: HttpAnswer): Record<string, unknown> {
  return JSON.parse(String(answer.body.data?.['me'])) as Record<string, unknown>;
}

describe('a user-pool token over HTTP', () => {
  it('an ID token is accepted: ctx.identity has the user-pool shape, username from cognito:username', async () => {
    const answer = await ask('{ me }', { authorization: tokens.rider.id });
    const me = identityOf(answer);
    expect(me['authType']).toBe('User Pool Authorization');
    const identity = me['identity'] as Record<string, unknown>;
    expect(Object.keys(identity).sort()).toEqual(
      ['claims', 'defaultAuthStrategy', 'groups', 'issuer', 'sourceIp', 'sub', 'username'].sort(),
    );
    expect(identity).toMatchObject({
      username: 'rider_7',
      issuer: pool.issuer,
      defaultAuthStrategy: 'ALLOW',
      groups: null,
      claims: { token_use: 'id', 'cognito:username': 'rider_7', aud: pool.appIdClientRegex },
    });
    expect(identity['sub']).toBe((identity['claims'] as Record<string, unknown>)['sub']);
    expect(identity['sourceIp']).toEqual([expect.any(String)]);
  });

  it('an access token is accepted too: username from its username claim', async () => {
    const identity = identityOf(await ask('{ me }', { authorization: tokens.rider.access }))['identity'];
    expect(identity).toMatchObject({
      username: 'rider_7',
      claims: { token_use: 'access', username: 'rider_7', client_id: pool.appIdClientRegex },
    });
  });

  it('the API key cannot read a user-pool-only field, and a token cannot read an API-key-only one', async () => {
    const byKey = await ask('{ me }', { 'x-api-key': USER_POOL_API_KEY });
    expect(byKey.body.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access me on type Query',
    });
    const byToken = await ask('{ open }', { authorization: tokens.rider.id });
    expect(byToken.body.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access open on type Query',
    });
  });

  it('an expired token is refused with 401 "Token has expired."', async () => {
    const later = await serveRuntime(createUserPoolRuntime(pool, () => Date.now() + 25 * 3600_000));
    try {
      const answer = await ask('{ me }', { authorization: tokens.rider.id }, later.graphqlUrl);
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(refused('Token has expired.'));
    } finally {
      await later.close();
    }
  });

  it('refuses a token of another app client, of another pool, or with a forged signature', async () => {
    const [header, payload, signature] = tokens.rider.id.split('.');
    const sig = signature ?? '';
    const forged = `${header}.${payload}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    // A payload changed under the original signature: a rider renaming themselves.
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const renamed = Buffer.from(JSON.stringify({ ...claims, 'cognito:username': 'coach_1' })).toString('base64url');
    for (const token of [
      tokens.otherClient.id,
      tokens.otherClient.access,
      tokens.otherPool.id,
      forged,
      `${header}.${renamed}.${sig}`,
    ]) {
      const answer = await ask('{ me }', { authorization: token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(refused('Valid authorization header not provided.'));
    }
  });

  it('refuses garbage and a "Bearer" prefix with "Unable to parse JWT token."', async () => {
    for (const token of ['not-a-jwt', `Bearer ${tokens.rider.id}`, 'a.b.c']) {
      const answer = await ask('{ me }', { authorization: token });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual(refused('Unable to parse JWT token.'));
    }
  });

  it('cognito_groups: only a member of the group reads the field; groups reach ctx.identity', async () => {
    const rider = await ask('{ coachesOnly }', { authorization: tokens.rider.id });
    expect(rider.body.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access coachesOnly on type Query',
    });
    const coach = await ask('{ coachesOnly me }', { authorization: tokens.coach.access });
    expect(coach.body.data?.['coachesOnly']).toBe('coached');
    expect(identityOf(coach)['identity']).toMatchObject({ username: 'coach_1', groups: ['coaches'] });
  });
});

describe('a user-pool token on the real-time endpoint', () => {
  const ON_SAID = parse('subscription { onSaid { msg by } }') as TypedDocumentNode<
    { onSaid: { msg: string; by: string | null } | null },
    Record<string, never>
  >;
  const SAY = parse('mutation Say($msg: String!) { say(msg: $msg) { msg by } }') as TypedDocumentNode<
    unknown,
    { msg: string }
  >;
  let coach: AlleycatClient;
  let rider: AlleycatClient;
  beforeAll(() => {
    coach = createClient({ graphqlUrl: server.graphqlUrl, auth: { userPoolToken: tokens.coach.id }, WebSocket });
    rider = createClient({
      graphqlUrl: server.graphqlUrl,
      auth: { userPoolToken: () => Promise.resolve(tokens.rider.access) },
      WebSocket,
    });
  });
  afterAll(() => {
    coach?.close();
    rider?.close();
  });

  it("a coach's token subscribes; a rider's is refused by cognito_groups; the rider's mutation reaches the coach", async () => {
    const seen: unknown[] = [];
    const stop = coach.subscribe(ON_SAID, {}, { next: (e) => seen.push(e) });
    await until(() => server.attachment.server.stats().subscriptions === 1);
    const riderErrors: Error[] = [];
    const stopRider = rider.subscribe(ON_SAID, {}, { next: () => undefined, error: (e) => riderErrors.push(e) });
    await until(() => riderErrors.length === 1);
    expect(riderErrors[0]?.message).toContain('Not Authorized to access onSaid on type Subscription');
    await rider.mutate(SAY, { msg: 'on your left' });
    await until(() => seen.length === 1);
    expect(seen[0]).toEqual({ onSaid: { msg: 'on your left', by: 'rider_7' } });
    stop();
    stopRider();
  });

  it('a garbage token is refused at the handshake', async () => {
    const bad = createClient({
      graphqlUrl: server.graphqlUrl,
      auth: { userPoolToken: 'garbage' },
      WebSocket,
      realtime: { initialRetryDelayMs: 10_000 },
    });
    const errors: Error[] = [];
    const stop = bad.subscribe(ON_SAID, {}, { next: () => undefined, error: (e) => errors.push(e) });
    await until(() => errors.length === 1);
    stop();
    bad.close();
    expect(errors[0]?.name).toMatch(/Error/);
  });
});
