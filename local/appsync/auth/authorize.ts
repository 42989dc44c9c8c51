/**
 * Request authentication as AppSync does it for an API with API_KEY,
 * AWS_IAM and AMAZON_COGNITO_USER_POOLS modes: an `Authorization:
 * AWS4-HMAC-SHA256 …` header is an IAM request (SigV4, service `appsync`);
 * any other `Authorization` value is a user-pool token (sent bare, no
 * "Bearer"); otherwise `x-api-key` must name a known, unexpired key.
 * Refusals carry AppSync's HTTP status and error body
 * [DOC real-time-websocket-client; 3P reports of the exact strings].
 * Exported for the real-time server: connect/start messages carry the same header objects.
 */
import type { AuthConfig } from '../apiDefinition.js';
import type { AuthFailure, AuthResult, IamIdentity } from '../types.js';
import { verifySigV4 } from './sigv4Verify.js';
import type { TokenFailure, UserPoolVerifier } from './userPoolToken.js';

export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** Lower-cased header names; repeated values joined with "," (HTTP semantics). */
export function normalizeHeaders(headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

function refuse(statusCode: number, errorType: string, message: string): AuthFailure {
  return { ok: false, statusCode, body: { errors: [{ errorType, message }] } };
}

/** API key expiry in epoch millis (accepts epoch seconds, millis or an ISO date). */
export function expiryMillis(expiresAt: number | string): number {
  if (typeof expiresAt === 'string') return Date.parse(expiresAt);
  return expiresAt < 1e11 ? expiresAt * 1000 : expiresAt;
}

export interface AuthorizeOptions {
  readonly path?: string;
  readonly method?: string;
  readonly sourceIp?: string;
  readonly now: number;
  /** Checks user-pool tokens; without it the API has no user-pool mode. */
  readonly userPool?: UserPoolVerifier;
}

// What AppSync answers for a refused user-pool token: "Unable to parse JWT token." and
// "Token has expired." are widely reported [3P]; for a token that parses but is not the
// pool's (signature, issuer, client) we answer as for a missing credential.
const TOKEN_REFUSALS: Record<TokenFailure, string> = {
  unparsable: 'Unable to parse JWT token.',
  expired: 'Token has expired.',
  invalid: 'Valid authorization header not provided.',
};

/** Authenticates a request (HTTP or a real-time header object). */
export async function authorizeRequest(
  config: AuthConfig,
  headersIn: HeaderBag,
  body: string,
  options: AuthorizeOptions,
): Promise<AuthResult> {
  const headers = normalizeHeaders(headersIn);
  const authorization = headers['authorization'];
  if (authorization && authorization.startsWith('AWS4-HMAC-SHA256')) {
    const [path, query] = (options.path ?? '/graphql').split('?');
    const result = verifySigV4(
      { method: options.method ?? 'POST', path: path ?? '/graphql', query, headers, body },
      {
        service: 'appsync',
        region: config.region ?? 'us-east-1',
        now: options.now,
        secretFor: (id) => config.iam.find((p) => p.accessKeyId === id)?.secretAccessKey,
      },
    );
    if (!result.ok) {
      switch (result.failure.kind) {
        case 'unknownKey':
          return refuse(401, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
        case 'badSignature':
          return refuse(
            403,
            'InvalidSignatureException',
            'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
          );
        case 'expired':
        case 'malformed':
          return refuse(403, 'InvalidSignatureException', result.failure.message);
        case 'missing':
          return refuse(401, 'UnauthorizedException', 'Valid authorization header not provided.');
      }
    }
    const principal = config.iam.find((p) => p.accessKeyId === result.accessKeyId);
    const accountId = principal?.accountId ?? '000000000000';
    const identity: IamIdentity = {
      accountId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      sourceIp: [options.sourceIp ?? '127.0.0.1'],
      username: result.accessKeyId,
      userArn: principal?.userArn ?? `arn:aws:iam::${accountId}:user/${result.accessKeyId}`,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
    };
    return { ok: true, mode: 'AWS_IAM', identity };
  }
  if (authorization && options.userPool) {
    const result = await options.userPool.verify(authorization, {
      sourceIp: options.sourceIp ?? '127.0.0.1',
      now: options.now,
    });
    if (!result.ok) return refuse(401, 'UnauthorizedException', TOKEN_REFUSALS[result.failure]);
    return { ok: true, mode: 'AMAZON_COGNITO_USER_POOLS', identity: result.identity };
  }
  const apiKey = headers['x-api-key'];
  if (apiKey !== undefined) {
    const key = config.apiKeys.find((k) => k.id === apiKey);
    if (!key || expiryMillis(key.expiresAt) <= options.now) {
      return refuse(401, 'UnauthorizedException', 'You are not authorized to make this call.');
    }
    return { ok: true, mode: 'API_KEY', identity: null };
  }
  return refuse(401, 'UnauthorizedException', 'Valid authorization header not provided.');
}
