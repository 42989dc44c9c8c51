/**
 * Calls the IAM-only `publishLiveRankings` mutation over HTTP, signed with
 * SigV4 for service `appsync` (how AWS_IAM requests to AppSync are signed),
 * so that its subscription fan-out delivers the snapshot to `onLiveRankings`.
 */
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LiveEntry } from '../../core/livePart.js';
import type { Sleep } from '../runtime/clock.js';
import type { Credentials } from '../runtime/config.js';
import { PublishError } from '../runtime/errors.js';
import { isTransient } from '../runtime/isTransient.js';
import { withRetry } from '../runtime/retry.js';
import { NodeSha256 } from './nodeSha256.js';

/** The mutation's input: a race's ranked snapshot. */
export interface LiveRankingsInput {
  classId: number;
  raceId: number;
  updatedAt: string;
  entries: LiveEntry[];
  /** Riders in the race, when `entries` holds only the top of the field (capSnapshot.ts). */
  totalRiders?: number;
}

export interface PublisherOptions {
  graphqlUrl: string;
  region: string;
  credentials: Credentials;
  fetch?: typeof fetch;
  sleep?: Sleep;
  /** Attempts for transient failures (5xx, network); default 4. */
  attempts?: number;
}

/** The mutation; its selection set is what subscribers receive (every field). */
export const PUBLISH_MUTATION = `mutation PublishLiveRankings($input: LiveRankingsInput!) {
  publishLiveRankings(input: $input) {
    classId raceId updatedAt totalRiders
    entries { rank racerId name output second flags }
  }
}`;

/** Signs a GraphQL POST to `url` with SigV4 (service `appsync`); the body as text or as its UTF-8 bytes. */
export async function signGraphqlRequest<B extends string | Uint8Array>(
  url: string,
  body: B,
  region: string,
  credentials: Credentials,
): Promise<{ headers: Record<string, string>; body: B }> {
  const u = new URL(url);
  const request = new HttpRequest({
    method: 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: u.port === '' ? undefined : Number(u.port),
    path: u.pathname,
    headers: { 'content-type': 'application/json', host: u.host },
    body,
  });
  const signer = new SignatureV4({ service: 'appsync', region, credentials, sha256: NodeSha256 });
  const signed = await signer.sign(request);
  return { headers: signed.headers, body };
}

function errorsOf(json: unknown): string | undefined {
  if (json === null || typeof json !== 'object') return 'response is not a JSON object';
  const errors = (json as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors
    .map((e: unknown) => {
      const o = (e ?? {}) as { errorType?: unknown; message?: unknown };
      return `${typeof o.errorType === 'string' ? `${o.errorType}: ` : ''}${String(o.message)}`;
    })
    .join('; ');
}

/**
 * Posts one signed GraphQL request, retrying transient failures; GraphQL
 * errors fail it. `variables` is an object, or the JSON text of one (sent as
 * it is: the caller has serialized its parts already).
 */
export type SignedPoster = (label: string, query: string, variables: Record<string, unknown> | string) => Promise<void>;

/** The request body: what JSON.stringify({ query, variables }) gives, with variables given as text or as an object. */
export function graphqlBody(query: string, variables: Record<string, unknown> | string): string {
  return typeof variables === 'string'
    ? `{"query":${JSON.stringify(query)},"variables":${variables}}`
    : JSON.stringify({ query, variables });
}

/** A SignedPoster for the options' endpoint and credentials. */
export function createSignedPoster(opts: PublisherOptions): SignedPoster {
  const doFetch = opts.fetch ?? fetch;
  return async (label, query, variables) => {
    // Encoded once: the signature hashes these bytes and the request sends them (a board's requests are MBs).
    const body = Buffer.from(graphqlBody(query, variables), 'utf8');
    await withRetry(
      label,
      async () => {
        // Signed per attempt: a signature is only valid for a few minutes.
        const signed = await signGraphqlRequest(opts.graphqlUrl, body, opts.region, opts.credentials);
        const res = await doFetch(opts.graphqlUrl, { method: 'POST', headers: signed.headers, body: signed.body });
        const text = await res.text();
        if (!res.ok) {
          throw new PublishError(`HTTP ${res.status}: ${text.slice(0, 300)}`, res.status >= 500 || res.status === 429);
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          throw new PublishError(`response is not JSON: ${text.slice(0, 300)}`, false, { cause: error });
        }
        const errors = errorsOf(json);
        if (errors !== undefined) throw new PublishError(`GraphQL errors: ${errors}`, false);
      },
      { attempts: opts.attempts ?? 4, baseMs: 100, capMs: 2000, isRetryable: isTransient, sleep: opts.sleep },
    );
  };
}

/** Returns a function that publishes one snapshot, retrying transient failures. */
export function createPublisher(opts: PublisherOptions): (input: LiveRankingsInput) => Promise<void> {
  const post = createSignedPoster(opts);
  return (input) => post('publishLiveRankings', PUBLISH_MUTATION, { input });
}
