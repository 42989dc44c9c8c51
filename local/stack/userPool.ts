/**
 * The riders' user pool on cognito-local, created through the standard
 * Cognito API from the settings CDK deploys (infra/settings.ts USER_POOL),
 * named as the CDK stack names them for the default stage (`alleycat-riders-dev`).
 * A persistent stack finds the pool and client of its previous run by name,
 * so signed-up riders and their tokens survive a restart; a state folder made
 * before the local names carried the stage keeps its pool under the old name.
 */
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DEPLOYMENT, USER_POOL } from '../../infra/settings.js';
import { stagedName } from '../../infra/stagedName.js';
import { withoutSdkLogging } from '../../lib/withoutSdkLogging.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../credentials.js';
import { StackStartError } from './errors.js';

/** The `cognito` block of endpoints.json (contract §6). */
export interface CognitoEndpoints {
  endpoint: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
}

export function localCognito(endpoint: string): CognitoIdentityProviderClient {
  return withoutSdkLogging(
    new CognitoIdentityProviderClient({ endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS }),
  );
}

/** The local stack's stage: CDK's default one. */
const POOL_NAME = stagedName(USER_POOL.poolName, DEPLOYMENT.defaultStage);
const CLIENT_NAME = stagedName(USER_POOL.clientName, DEPLOYMENT.defaultStage);

async function ensurePool(client: CognitoIdentityProviderClient): Promise<string> {
  const listed = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  const pools = listed.UserPools ?? [];
  const found = (pools.find((p) => p.Name === POOL_NAME) ?? pools.find((p) => p.Name === USER_POOL.poolName))?.Id;
  if (found) return found;
  const { passwordPolicy } = USER_POOL;
  const created = await client.send(
    new CreateUserPoolCommand({
      PoolName: POOL_NAME,
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameConfiguration: { CaseSensitive: USER_POOL.usernameCaseSensitive },
      Schema: [{ Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }],
      Policies: {
        PasswordPolicy: {
          MinimumLength: passwordPolicy.minLength,
          RequireLowercase: passwordPolicy.requireLowercase,
          RequireUppercase: passwordPolicy.requireUppercase,
          RequireNumbers: passwordPolicy.requireDigits,
          RequireSymbols: passwordPolicy.requireSymbols,
          TemporaryPasswordValidityDays: passwordPolicy.temporaryPasswordValidityDays,
        },
      },
    }),
  );
  const id = created.UserPool?.Id;
  if (!id) throw new StackStartError('cognito-local created a user pool without an id', 'Restart with --reset.');
  return id;
}

async function ensureClient(client: CognitoIdentityProviderClient, userPoolId: string): Promise<string> {
  const listed = await client.send(new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }));
  const clients = listed.UserPoolClients ?? [];
  const found = (
    clients.find((c) => c.ClientName === CLIENT_NAME) ?? clients.find((c) => c.ClientName === USER_POOL.clientName)
  )?.ClientId;
  if (found) return found;
  const { tokenValidity } = USER_POOL;
  const created = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: CLIENT_NAME,
      GenerateSecret: false,
      ExplicitAuthFlows: [...USER_POOL.explicitAuthFlows],
      IdTokenValidity: tokenValidity.idTokenMinutes,
      AccessTokenValidity: tokenValidity.accessTokenMinutes,
      RefreshTokenValidity: tokenValidity.refreshTokenDays,
      TokenValidityUnits: { IdToken: 'minutes', AccessToken: 'minutes', RefreshToken: 'days' },
      PreventUserExistenceErrors: 'ENABLED',
    }),
  );
  const id = created.UserPoolClient?.ClientId;
  if (!id) throw new StackStartError('cognito-local created an app client without an id', 'Restart with --reset.');
  return id;
}

/** The riders' pool and app client on the cognito-local at `endpoint` (found, or created). */
export async function ensureUserPool(endpoint: string): Promise<CognitoEndpoints> {
  const client = localCognito(endpoint);
  try {
    const userPoolId = await ensurePool(client);
    const userPoolClientId = await ensureClient(client, userPoolId);
    return { endpoint, region: LOCAL_REGION, userPoolId, userPoolClientId };
  } finally {
    client.destroy();
  }
}
