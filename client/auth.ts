/**
 * Header objects of AppSync's auth modes, for HTTP requests and for the
 * real-time protocol. A user-pool token (ID or access token) goes bare in
 * `Authorization`, as AppSync expects it (no "Bearer"). IAM requests are SigV4-signed with service `appsync`:
 * the real-time handshake over `POST <graphql path>/connect` with body `{}`,
 * each `start` over `POST <graphql path>` with the start's data string.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

/** AWS credentials (a session token when they are temporary). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** How the client authorizes: an API key, a rider's user-pool token (or a getter that keeps it fresh), or IAM credentials. */
export type ClientAuth =
  | { apiKey: string }
  | { userPoolToken: string | (() => Promise<string>) }
  | { iam: { credentials: AwsCredentials | (() => Promise<AwsCredentials>); region: string } };

async function tokenOf(auth: Extract<ClientAuth, { userPoolToken: unknown }>): Promise<string> {
  return typeof auth.userPoolToken === 'function' ? auth.userPoolToken() : auth.userPoolToken;
}

/** The constant headers AWS clients sign for real-time IAM requests. */
const REALTIME_IAM_HEADERS = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

async function signIam(
  iam: Extract<ClientAuth, { iam: unknown }>['iam'],
  url: URL,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<Record<string, string>> {
  const credentials = typeof iam.credentials === 'function' ? await iam.credentials() : iam.credentials;
  const signer = new SignatureV4({ credentials, region: iam.region, service: 'appsync', sha256: Sha256 });
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path,
    headers: { ...headers, host: url.host },
    body,
  });
  const signed = await signer.sign(request);
  return { ...signed.headers };
}

/**
 * The header object of a real-time message: the handshake (`connect: true`)
 * or a start whose `data` string is `body`. `host` is the GraphQL host.
 */
export async function realtimeAuthHeaders(
  auth: ClientAuth,
  graphqlUrl: URL,
  body: string,
  connect: boolean,
): Promise<Record<string, string>> {
  if ('apiKey' in auth) return { host: graphqlUrl.host, 'x-api-key': auth.apiKey };
  if ('userPoolToken' in auth) return { Authorization: await tokenOf(auth), host: graphqlUrl.host };
  const path = connect ? `${graphqlUrl.pathname.replace(/\/$/, '')}/connect` : graphqlUrl.pathname;
  return signIam(auth.iam, graphqlUrl, path, REALTIME_IAM_HEADERS, body);
}

/** Headers of an HTTP GraphQL request (`host` left to fetch, which sets the same value). */
export async function httpAuthHeaders(
  auth: ClientAuth,
  graphqlUrl: URL,
  body: string,
): Promise<Record<string, string>> {
  const base = { 'content-type': 'application/json' };
  if ('apiKey' in auth) return { ...base, 'x-api-key': auth.apiKey };
  if ('userPoolToken' in auth) return { ...base, authorization: await tokenOf(auth) };
  const signed = await signIam(auth.iam, graphqlUrl, graphqlUrl.pathname, base, body);
  const { host: _host, ...rest } = signed;
  return rest;
}
