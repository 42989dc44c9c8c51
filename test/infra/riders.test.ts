// The riders' user pool as CDK deploys it, from the settings the local stack
// also creates its pool with (infra/settings.ts USER_POOL).
import { beforeAll, describe, expect, it } from 'vitest';
import { USER_POOL } from '../../infra/settings.js';
import { signUpRefusal } from '../../functions/preSignUp/preSignUp.js';
import { handler } from '../../functions/preSignUp/handler.js';
import { logicalId, onlyResource, synthAlleycat, type Synthesized } from './synthAlleycat.js';

let s: Synthesized;
beforeAll(async () => {
  s = await synthAlleycat();
});

describe("the riders' user pool", () => {
  it('lets riders sign themselves up by a case-sensitive username, with a required, mutable name', () => {
    const [, pool] = onlyResource(s.template, 'AWS::Cognito::UserPool');
    const p = USER_POOL.passwordPolicy;
    expect(pool.Properties).toMatchObject({
      UserPoolName: `${USER_POOL.poolName}-dev`,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameConfiguration: { CaseSensitive: true },
      Schema: [{ Name: 'name', Required: true, Mutable: true }],
      Policies: {
        PasswordPolicy: {
          MinimumLength: p.minLength,
          RequireLowercase: p.requireLowercase,
          RequireUppercase: p.requireUppercase,
          RequireNumbers: p.requireDigits,
          RequireSymbols: p.requireSymbols,
          TemporaryPasswordValidityDays: p.temporaryPasswordValidityDays,
        },
      },
      LambdaConfig: { PreSignUp: { 'Fn::GetAtt': [logicalId(s.stack, s.stack.riders.preSignUp), 'Arn'] } },
      DeletionProtection: 'ACTIVE',
    });
    // Usernames only: no email or phone aliases that would let one rider hold two racerIds.
    expect(pool.Properties?.['UsernameAttributes']).toBeUndefined();
    expect(pool.Properties?.['AliasAttributes']).toBeUndefined();
    const [, resource] = onlyResource(s.template, 'AWS::Cognito::UserPool');
    expect(resource.DeletionPolicy).toBe('Retain');
  });

  it('has one public app client: password and SRP sign-in, no secret, the settings’ token lifetimes', () => {
    const [, client] = onlyResource(s.template, 'AWS::Cognito::UserPoolClient');
    const v = USER_POOL.tokenValidity;
    expect(client.Properties).toMatchObject({
      ClientName: `${USER_POOL.clientName}-dev`,
      GenerateSecret: false,
      IdTokenValidity: v.idTokenMinutes,
      AccessTokenValidity: v.accessTokenMinutes,
      RefreshTokenValidity: v.refreshTokenDays * 24 * 60,
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect([...(client.Properties?.['ExplicitAuthFlows'] as string[])].sort()).toEqual(
      [...USER_POOL.explicitAuthFlows].sort(),
    );
  });

  it('outputs the pool and client ids', () => {
    const outputs = s.template.findOutputs('*');
    expect(outputs['UserPoolId']?.Value).toEqual({ Ref: logicalId(s.stack, s.stack.riders.userPool) });
    expect(outputs['UserPoolClientId']?.Value).toEqual({ Ref: logicalId(s.stack, s.stack.riders.client) });
  });
});

describe('the PreSignUp trigger', () => {
  const event = (userName: string, name?: string) => ({
    triggerSource: 'PreSignUp_SignUp',
    userName,
    request: { userAttributes: (name === undefined ? {} : { name }) as Record<string, string> },
    response: { autoConfirmUser: false },
  });

  it('lets a racerId with a name through, confirmed at once (riders have nothing to verify)', async () => {
    const e = event('Ana_Pedal-7', 'Ana Pedal');
    await expect(handler(e)).resolves.toEqual({ ...e, response: { autoConfirmUser: true } });
  });

  it('refuses what would break the boards: a username that is no racerId, a missing, blank or over-long name', async () => {
    for (const userName of ['has space', 'a'.repeat(65), 'RACER#1', 'ana@example.com', '']) {
      expect(signUpRefusal(event(userName, 'Ana'))).toBe('username must be a racerId: 1..64 of A-Z a-z 0-9 _ -');
    }
    for (const name of [undefined, '', '   ', 'n'.repeat(41)]) {
      expect(signUpRefusal(event('ana', name))).toBe('name must be 1..40 characters');
    }
    expect(signUpRefusal(event('ana', 'Ana\u202eevil'))).toMatch(/^name must not contain/);
    await expect(handler(event('has space', 'Ana'))).rejects.toMatchObject({ name: 'SignUpRefusedError' });
  });
});
