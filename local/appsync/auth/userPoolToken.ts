/**
 * Verifies a Cognito user-pool token as AppSync does for an
 * AMAZON_COGNITO_USER_POOLS provider: an RS256 signature by one of the pool's
 * keys (its JWKS, fetched once and cached), the pool as `iss`, `exp` in the
 * future, `token_use` "id" or "access", and the app client (`aud` of an ID
 * token, `client_id` of an access token) matching appIdClientRegex.
 */
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { UserPoolConfig } from '../apiDefinition.js';
import type { CognitoIdentity } from '../types.js';

/** Why a token was refused; `authorize` turns each into AppSync's answer. */
export type TokenFailure = 'unparsable' | 'expired' | 'invalid';

export type TokenResult = { ok: true; identity: CognitoIdentity } | { ok: false; failure: TokenFailure };

export interface UserPoolVerifier {
  verify(token: string, options: { sourceIp: string; now: number }): Promise<TokenResult>;
}

/** Cognito's issuer of a pool: where AppSync expects `iss` and finds the keys. */
export function userPoolIssuer(config: UserPoolConfig): string {
  return config.issuer ?? `https://cognito-idp.${config.awsRegion}.amazonaws.com/${config.userPoolId}`;
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const v = payload[name];
  return typeof v === 'string' ? v : undefined;
}

function groupsOf(payload: JWTPayload): string[] | null {
  const v = payload['cognito:groups'];
  return Array.isArray(v) && v.every((g) => typeof g === 'string') ? (v as string[]) : null;
}

export function userPoolVerifier(config: UserPoolConfig): UserPoolVerifier {
  const issuer = userPoolIssuer(config);
  const keys = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  // AppSync's regex names the whole client id.
  const clientPattern = config.appIdClientRegex ? new RegExp(`^(?:${config.appIdClientRegex})$`) : undefined;
  return {
    async verify(token, { sourceIp, now }) {
      try {
        decodeProtectedHeader(token);
        decodeJwt(token);
      } catch {
        return { ok: false, failure: 'unparsable' };
      }
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer,
          algorithms: ['RS256'],
          currentDate: new Date(now),
          clockTolerance: 0,
        }));
      } catch (error) {
        if (error instanceof errors.JWTExpired) return { ok: false, failure: 'expired' };
        if (error instanceof errors.JOSEError) return { ok: false, failure: 'invalid' };
        throw error;
      }
      const use = stringClaim(payload, 'token_use');
      if (use !== 'id' && use !== 'access') return { ok: false, failure: 'invalid' };
      const clientId =
        use === 'id' ? (typeof payload.aud === 'string' ? payload.aud : undefined) : stringClaim(payload, 'client_id');
      if (clientPattern && (clientId === undefined || !clientPattern.test(clientId)))
        return { ok: false, failure: 'invalid' };
      const username = stringClaim(payload, use === 'id' ? 'cognito:username' : 'username');
      const sub = payload.sub;
      if (username === undefined || sub === undefined) return { ok: false, failure: 'invalid' };
      return {
        ok: true,
        identity: {
          sub,
          issuer,
          username,
          claims: { ...payload },
          sourceIp: [sourceIp],
          defaultAuthStrategy: config.defaultAction ?? 'ALLOW',
          groups: groupsOf(payload),
        },
      };
    },
  };
}
