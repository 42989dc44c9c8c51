/**
 * The local riders' pool and app client are named as the CDK stack names
 * them for its default stage (`alleycat-riders-dev`), on a cognito-local of
 * their own; a state folder from before the names carried the stage keeps
 * its pool and riders under the old names.
 */
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognitoLocal } from '../../local/emulators/cognitoLocal.js';
import { ensureUserPool, localCognito } from '../../local/stack/userPool.js';
import { DEPLOYMENT, USER_POOL } from '../../infra/settings.js';
import { stagedName } from '../../infra/stagedName.js';

type Running = Awaited<ReturnType<typeof startCognitoLocal>>;
let fresh: Running;
let older: Running;

beforeAll(async () => {
  [fresh, older] = await Promise.all([startCognitoLocal(), startCognitoLocal()]);
});
afterAll(async () => {
  await Promise.all([fresh?.stop(), older?.stop()]);
});

describe('the local user pool names', () => {
  it("carry the stage, as CDK's do", async () => {
    const pool = await ensureUserPool(fresh.endpoint);
    const client = localCognito(fresh.endpoint);
    try {
      const described = await client.send(new DescribeUserPoolCommand({ UserPoolId: pool.userPoolId }));
      expect(described.UserPool?.Name).toBe('alleycat-riders-dev');
      expect(described.UserPool?.Name).toBe(stagedName(USER_POOL.poolName, DEPLOYMENT.defaultStage));
      const app = await client.send(
        new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.userPoolClientId }),
      );
      expect(app.UserPoolClient?.ClientName).toBe('alleycat-riders-app-dev');
      // Found again, not made twice.
      expect(await ensureUserPool(fresh.endpoint)).toEqual(pool);
    } finally {
      client.destroy();
    }
  });

  it('keep a pool made under the old, stage-less names', async () => {
    const client = localCognito(older.endpoint);
    try {
      const made = await client.send(new CreateUserPoolCommand({ PoolName: USER_POOL.poolName }));
      const poolId = made.UserPool?.Id ?? '';
      const app = await client.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: USER_POOL.clientName }),
      );
      expect(await ensureUserPool(older.endpoint)).toMatchObject({
        userPoolId: poolId,
        userPoolClientId: app.UserPoolClient?.ClientId,
      });
    } finally {
      client.destroy();
    }
  });
});
