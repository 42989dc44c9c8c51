/**
 * Signing riders up and in against the Cognito user pool of the config, with
 * the AWS SDK's own Cognito client (the same calls on AWS and against the
 * local stack's Cognito). SignUp, InitiateAuth and GetUser need no AWS
 * credentials: the pool's app client id and the rider's tokens are enough.
 */
import {
  CognitoIdentityProviderClient,
  GetUserCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoConfig } from '../../../contract/webConfig.js';
import { AuthError, authErrorOf } from './authError.js';
import type { RiderSession } from './riderSession.js';

/** What the page does with the user pool. */
export interface RiderAuth {
  /**
   * Creates the account; true when it can sign in at once (the pool confirms
   * riders on sign-up), false when it waits for confirmation.
   */
  signUp(racerId: string, name: string, password: string): Promise<boolean>;
  signIn(racerId: string, password: string): Promise<RiderSession>;
  /** New tokens for a session whose ID token is about to expire. */
  refresh(session: RiderSession): Promise<RiderSession>;
  /** Revokes the refresh token (the page forgets the session whatever the answer). */
  signOut(session: RiderSession): Promise<void>;
}

function noCredentials(): Promise<never> {
  return Promise.reject(new AuthError('This call needs no AWS credentials'));
}

/** The RiderAuth of a user pool. */
export function createRiderAuth(config: CognitoConfig, now: () => number = Date.now): RiderAuth {
  const client = new CognitoIdentityProviderClient({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    // The user-pool calls used here are unsigned; a browser has no AWS credentials to offer.
    credentials: noCredentials,
  });
  const clientId = config.userPoolClientId;

  const call = async <T>(send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (err) {
      throw authErrorOf(err);
    }
  };

  const sessionOf = async (
    racerId: string,
    tokens: AuthenticationResultType,
    refreshToken: string,
  ): Promise<RiderSession> => {
    if (!tokens.IdToken || !tokens.AccessToken) throw new AuthError('The user pool answered without tokens');
    const user = await call(() => client.send(new GetUserCommand({ AccessToken: tokens.AccessToken })));
    const name = user.UserAttributes?.find((a) => a.Name === 'name')?.Value ?? racerId;
    return {
      racerId: user.Username ?? racerId,
      name,
      idToken: tokens.IdToken,
      accessToken: tokens.AccessToken,
      refreshToken,
      expiresAt: now() + (tokens.ExpiresIn ?? 3600) * 1000,
    };
  };

  return {
    async signUp(racerId, name, password) {
      const out = await call(() =>
        client.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: racerId,
            Password: password,
            UserAttributes: [{ Name: 'name', Value: name }],
          }),
        ),
      );
      return out.UserConfirmed === true;
    },
    async signIn(racerId, password) {
      const out = await call(() =>
        client
          .send(
            new InitiateAuthCommand({
              ClientId: clientId,
              AuthFlow: 'USER_PASSWORD_AUTH',
              AuthParameters: { USERNAME: racerId, PASSWORD: password },
            }),
          )
          .catch((err: unknown) => {
            // Cognito answers a wrong password with NotAuthorizedException; cognito-local with InvalidPasswordException.
            throw authErrorOf(err).code === 'InvalidPasswordException'
              ? new AuthError('Wrong rider id or password.', 'NotAuthorizedException', { cause: err })
              : err;
          }),
      );
      if (out.ChallengeName)
        throw new AuthError(`Sign-in needs a step this page does not offer (${out.ChallengeName})`);
      const tokens = out.AuthenticationResult;
      if (!tokens?.RefreshToken) throw new AuthError('The user pool answered without tokens');
      return sessionOf(racerId, tokens, tokens.RefreshToken);
    },
    async refresh(session) {
      const out = await call(() =>
        client.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: session.refreshToken },
          }),
        ),
      );
      const tokens = out.AuthenticationResult;
      if (!tokens) throw new AuthError('The user pool answered without tokens');
      return sessionOf(session.racerId, tokens, tokens.RefreshToken ?? session.refreshToken);
    },
    async signOut(session) {
      await call(() => client.send(new RevokeTokenCommand({ ClientId: clientId, Token: session.refreshToken })));
    },
  };
}
