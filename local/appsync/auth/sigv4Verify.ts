/**
 * Verifies an AWS Signature Version 4 `Authorization` header the way AWS's
 * front door does for AppSync IAM requests: the credential scope must name
 * service `appsync` and the API's region, the access key must be known, the
 * request date must be within 5 minutes of the server clock, and the signature
 * recomputed over the canonical request must match.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  /** Header names lower-cased; repeated headers joined with commas. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type SigV4Failure =
  | { kind: 'missing'; message: string }
  | { kind: 'malformed'; message: string }
  | { kind: 'unknownKey'; accessKeyId: string }
  | { kind: 'expired'; message: string }
  | { kind: 'badSignature' };

export type SigV4Result = { ok: true; accessKeyId: string } | { ok: false; failure: SigV4Failure };

const MAX_SKEW_MS = 5 * 60 * 1000;

const sha256 = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalUri(path: string): string {
  // Non-S3 services normalise the path and encode each segment twice.
  const segments = (path || '/').split('/').map((s) => encodeRfc3986(encodeRfc3986(decodeURIComponent(s))));
  return segments.join('/') || '/';
}

function canonicalQuery(query: string | undefined): string {
  if (!query) return '';
  const pairs = query
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const [k = '', v = ''] = p.split('=');
      return [encodeRfc3986(decodeURIComponent(k)), encodeRfc3986(decodeURIComponent(v))] as const;
    });
  pairs.sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** `20240101T120000Z` → epoch millis. */
export function parseAmzDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Verifies a SigV4-signed request against known secrets. */
export function verifySigV4(
  req: SignedRequest,
  options: { service: string; region: string; now: number; secretFor: (accessKeyId: string) => string | undefined },
): SigV4Result {
  const auth = req.headers['authorization'];
  if (!auth) return { ok: false, failure: { kind: 'missing', message: 'Missing Authorization header' } };
  const m = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/.exec(
    auth,
  );
  if (!m)
    return {
      ok: false,
      failure: { kind: 'malformed', message: 'Authorization header is not a valid AWS4-HMAC-SHA256 signature' },
    };
  const [, credential = '', signedHeadersText = '', signature = ''] = m;
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') {
    return {
      ok: false,
      failure: {
        kind: 'malformed',
        message: `Credential should be scoped to a valid region, not '${parts[2] ?? ''}'.`,
      },
    };
  }
  const [accessKeyId = '', day = '', region = '', service = ''] = parts;
  if (service !== options.service) {
    return {
      ok: false,
      failure: { kind: 'malformed', message: `Credential should be scoped to correct service: '${options.service}'.` },
    };
  }
  if (region !== options.region) {
    return {
      ok: false,
      failure: { kind: 'malformed', message: `Credential should be scoped to a valid region, not '${region}'.` },
    };
  }
  const secret = options.secretFor(accessKeyId);
  if (secret === undefined) return { ok: false, failure: { kind: 'unknownKey', accessKeyId } };
  const dateHeader = req.headers['x-amz-date'] ?? '';
  const signedAt = parseAmzDate(dateHeader);
  if (signedAt === null || !dateHeader.startsWith(day)) {
    return { ok: false, failure: { kind: 'malformed', message: 'Missing or invalid X-Amz-Date header' } };
  }
  if (options.now - signedAt > MAX_SKEW_MS) {
    const earliest = amzDate(options.now - MAX_SKEW_MS);
    const message = `Signature expired: ${dateHeader} is now earlier than ${earliest} (${amzDate(
      options.now,
    )} - 5 min.)`;
    return { ok: false, failure: { kind: 'expired', message } };
  }
  if (signedAt - options.now > MAX_SKEW_MS) {
    // AWS words a date too far ahead differently from one too far behind.
    const latest = amzDate(options.now + MAX_SKEW_MS);
    const message = `Signature not yet current: ${dateHeader} is still later than ${latest} (${amzDate(
      options.now,
    )} + 5 min.)`;
    return { ok: false, failure: { kind: 'expired', message } };
  }
  const signedHeaders = signedHeadersText.split(';');
  if (!signedHeaders.includes('host'))
    return {
      ok: false,
      failure: { kind: 'malformed', message: "'Host' must be a 'SignedHeader' in the AWS Authorization." },
    };
  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  // The body must be the signed body: a declared content hash has to match it too.
  const payloadHash = sha256(req.body);
  const declared = req.headers['x-amz-content-sha256'];
  if (declared !== undefined && declared !== payloadHash) return { ok: false, failure: { kind: 'badSignature' } };
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query),
    canonicalHeaders,
    signedHeadersText,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', dateHeader, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, failure: { kind: 'badSignature' } };
  return { ok: true, accessKeyId };
}
