/**
 * Riders as users of the local user pool: sign-up (with the `name`
 * attribute), confirmation by an administrator (the local IAM principal, as a
 * race organiser's back office would), sign-in with USER_PASSWORD_AUTH, and
 * fresh tokens before the old ones expire (REFRESH_TOKEN_AUTH). Only the
 * standard Cognito API: the same calls work against a deployed pool.
 */
import { randomBytes } from 'node:crypto';
import {
  AdminConfirmSignUpCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { withoutSdkLogging } from '../../lib/withoutSdkLogging.js';

export interface RiderPool {
  endpoint: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
}

/** A signed-in rider's tokens; `expiresAt` in epoch millis. */
export interface RiderTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

/** A sign-in answered without tokens (a challenge, or a pool that is set up differently). */
export class RiderSignInError extends Error {
  override readonly name = 'RiderSignInError';
}

export interface RiderAccounts {
  /** Signs the rider up (profile name `name`, none if null) or resets an existing rider's password, and in. */
  signIn(racerId: string, name: string | null): Promise<RiderTokens>;
  /** The rider's ID token, refreshed when less than `refreshMarginMs` of it is left. */
  idToken(racerId: string, name: string | null): Promise<string>;
  destroy(): void;
}

/** Renew this long before expiry: a token must not lapse between the check and AppSync's. */
const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

export function riderAccounts(
  pool: RiderPool,
  credentials: { accessKeyId: string; secretAccessKey: string },
  options: { clock?: () => number; refreshMarginMs?: number } = {},
): RiderAccounts {
  const clock = options.clock ?? Date.now;
  const margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const client = withoutSdkLogging(
    new CognitoIdentityProviderClient({ endpoint: pool.endpoint, region: pool.region, credentials }),
  );
  const sessions = new Map<string, Promise<RiderTokens>>();

  function tokensOf(result: AuthenticationResultType | undefined, refreshToken?: string): RiderTokens {
    const refresh = result?.RefreshToken ?? refreshToken;
    if (!result?.IdToken || !result.AccessToken || !refresh)
      throw new RiderSignInError('the user pool answered the sign-in without tokens');
    return {
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: refresh,
      expiresAt: clock() + (result.ExpiresIn ?? 3600) * 1000,
    };
  }

  async function signIn(racerId: string, name: string | null): Promise<RiderTokens> {
    // A fresh password each run: the simulator keeps no secrets on disk.
    // Random, plus one character of each class the pool's password policy requires.
    const password = `${randomBytes(12).toString('base64url')}Aa1!`;
    try {
      // The pool requires a name; a rider without one shows under their id.
      const signedUp = await client.send(
        new SignUpCommand({
          ClientId: pool.userPoolClientId,
          Username: racerId,
          Password: password,
          UserAttributes: [{ Name: 'name', Value: name ?? racerId }],
        }),
      );
      // The pool's PreSignUp trigger confirms riders; a pool without it waits for an administrator.
      if (signedUp.UserConfirmed !== true) {
        await client.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.userPoolId, Username: racerId }));
      }
    } catch (error) {
      if (!isNamed(error, 'UsernameExistsException')) throw error;
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: pool.userPoolId,
          Username: racerId,
          Password: password,
          Permanent: true,
        }),
      );
    }
    const answer = await client.send(
      new InitiateAuthCommand({
        ClientId: pool.userPoolClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: racerId, PASSWORD: password },
      }),
    );
    return tokensOf(answer.AuthenticationResult);
  }

  async function refresh(tokens: RiderTokens): Promise<RiderTokens> {
    const answer = await client.send(
      new InitiateAuthCommand({
        ClientId: pool.userPoolClientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: tokens.refreshToken },
      }),
    );
    return tokensOf(answer.AuthenticationResult, tokens.refreshToken);
  }

  async function idToken(racerId: string, name: string | null): Promise<string> {
    let session = sessions.get(racerId);
    if (!session) {
      session = signIn(racerId, name);
      sessions.set(racerId, session);
      session.catch(() => sessions.delete(racerId));
    }
    const tokens = await session;
    if (tokens.expiresAt - clock() >= margin) return tokens.idToken;
    // One refresh per rider, however many batches ask at once.
    if (sessions.get(racerId) === session) {
      const renewed = refresh(tokens);
      sessions.set(racerId, renewed);
      renewed.catch(() => sessions.delete(racerId));
    }
    return (await (sessions.get(racerId) ?? signIn(racerId, name))).idToken;
  }

  return { signIn, idToken, destroy: () => client.destroy() };
}
