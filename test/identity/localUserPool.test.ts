// The riders' user pool is a real part of the local stack: endpoints.json
// names it as contract §6 says, the stock AWS SDK signs riders up and in
// against it, and a persistent stack keeps its pool (and riders) across restarts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack/startLocalStack.js';
import { USER_POOL } from '../../infra/settings.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('the local user pool', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startScratchStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('is described in endpoints.json and /config.json exactly as contract §6 says', async () => {
    const file = JSON.parse(readFileSync(stack.endpointsFile, 'utf8')) as Record<string, unknown>;
    const cognito = file['cognito'] as Record<string, string>;
    expect(Object.keys(cognito).sort()).toEqual(['endpoint', 'region', 'userPoolClientId', 'userPoolId']);
    expect(cognito['endpoint']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cognito['region']).toBe('us-east-1');
    const config = (await (await fetch(`${stack.endpoints.webUrl}config.json`)).json()) as Record<string, unknown>;
    expect(config['cognito']).toEqual(cognito);
  });

  it('signs a rider up (confirmed by the pool at once) and signs them in with the stock SDK', async () => {
    const { cognito, credentials } = stack.endpoints;
    const client = new CognitoIdentityProviderClient({
      endpoint: cognito.endpoint,
      region: cognito.region,
      credentials,
    });
    const signedUp = await client.send(
      new SignUpCommand({
        ClientId: cognito.userPoolClientId,
        Username: 'Rider_One',
        Password: 'Pedal-power-9',
        UserAttributes: [{ Name: 'name', Value: 'Ana Pedal' }],
      }),
    );
    // The pool's PreSignUp trigger (functions/preSignUp) confirms a valid rider at once, so the
    // administrator's confirmation answers as Cognito does for a confirmed user.
    expect(signedUp.UserConfirmed).toBe(true);
    await expect(
      client.send(new AdminConfirmSignUpCommand({ UserPoolId: cognito.userPoolId, Username: 'Rider_One' })),
    ).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      message: 'User cannot be confirmed. Current status is CONFIRMED',
    });
    const answer = await client.send(
      new InitiateAuthCommand({
        ClientId: cognito.userPoolClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'Rider_One', PASSWORD: 'Pedal-power-9' },
      }),
    );
    client.destroy();
    const id = claimsOf(answer.AuthenticationResult?.IdToken ?? '');
    // The profile's standard attributes are in the ID token, as Cognito issues it; not in the access token.
    expect(claimsOf(answer.AuthenticationResult?.AccessToken ?? '')['name']).toBeUndefined();
    expect(id).toMatchObject({
      name: 'Ana Pedal',
      'cognito:username': 'Rider_One',
      token_use: 'id',
      aud: cognito.userPoolClientId,
      iss: `${cognito.endpoint}/${cognito.userPoolId}`,
    });
    // The app client's ID token validity (infra/settings.ts), not cognito-local's default day.
    expect(Number(id['exp']) - Number(id['iat'])).toBe(USER_POOL.tokenValidity.idTokenMinutes * 60);
  });

  it('stops cognito-local with the stack', async () => {
    const own = await startScratchStack();
    const pid = own.pids.cognito;
    expect(pid).toBeTypeOf('number');
    await own.stop();
    expect(() => process.kill(pid ?? 0, 0)).toThrow();
  }, 120_000);
});

describe('a persistent stack', () => {
  it('finds its user pool, app client and riders again after a restart', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'alleycat-pool-'));
    const options = { stateDir, sim: false, port: 0, buildWeb: false, log: () => undefined } as const;
    try {
      const first = await startLocalStack(options);
      const before = first.endpoints.cognito;
      const client = new CognitoIdentityProviderClient({
        endpoint: before.endpoint,
        region: before.region,
        credentials: first.endpoints.credentials,
      });
      await client.send(
        new SignUpCommand({
          ClientId: before.userPoolClientId,
          Username: 'keeper',
          Password: 'Pedal-power-9',
          UserAttributes: [{ Name: 'name', Value: 'Keeper' }],
        }),
      );
      client.destroy();
      await first.stop();
      const second = await startLocalStack(options);
      const after = second.endpoints.cognito;
      const again = new CognitoIdentityProviderClient({
        endpoint: after.endpoint,
        region: after.region,
        credentials: second.endpoints.credentials,
      });
      // The rider signed up before the restart exists: signing up again is refused.
      await expect(
        again.send(
          new SignUpCommand({
            ClientId: after.userPoolClientId,
            Username: 'keeper',
            Password: 'Pedal-power-9',
            UserAttributes: [{ Name: 'name', Value: 'Keeper' }],
          }),
        ),
      ).rejects.toMatchObject({ name: 'UsernameExistsException' });
      again.destroy();
      await second.stop();
      expect({ pool: after.userPoolId, client: after.userPoolClientId }).toEqual({
        pool: before.userPoolId,
        client: before.userPoolClientId,
      });
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 180_000);
});
