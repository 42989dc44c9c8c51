/**
 * A second, independent SigV4 signer for tests, written from AWS's documented
 * algorithm ("Create a signed AWS API request", IAM User Guide) with
 * node:crypto only: canonical request → string to sign → HMAC chain of the
 * signing key → signature. It shares no code with the runtime's verifier
 * (local/appsync/auth/sigv4Verify.ts) or with @smithy/signature-v4, so a
 * request it signs that the runtime accepts proves both follow the spec, not
 * one library agreeing with itself. No query strings, no session tokens,
 * no chunked payloads: AppSync's POST /graphql needs none of them.
 */
import { createHash, createHmac } from 'node:crypto';

export interface SigV4SignInput {
  readonly method?: string;
  /** Full URL; its host (with port) and path are signed. */
  readonly url: string;
  readonly body: string;
  /** Headers to sign besides `host` and `x-amz-date` (names in any case). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the host taken from `url` (a signature made for another host). */
  readonly host?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
  /** The signing moment (default now). */
  readonly date?: Date;
}

export interface SigV4Signature {
  /** The signed headers plus `authorization`, names lower-cased. */
  readonly headers: Record<string, string>;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

const hexSha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

/** RFC 3986 percent-encoding: everything but A-Z a-z 0-9 - _ . ~ (the spec's "UriEncode"). */
function uriEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `YYYYMMDD'T'HHMMSS'Z'` in UTC. */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Signs a request. Every service but S3 encodes each path segment twice;
 * header values are trimmed and inner runs of spaces collapse to one.
 */
export function signSigV4(input: SigV4SignInput): SigV4Signature {
  const url = new URL(input.url);
  const xAmzDate = amzDate(input.date ?? new Date());
  const day = xAmzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['host'] = input.host ?? url.host;
  headers['x-amz-date'] = xAmzDate;

  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${(headers[n] ?? '').trim().replace(/ +/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalUri = url.pathname
    .split('/')
    .map((segment) => uriEncode(uriEncode(decodeURIComponent(segment))))
    .join('/');
  const canonicalRequest = [
    (input.method ?? 'POST').toUpperCase(),
    canonicalUri,
    '', // no query string
    canonicalHeaders,
    signedHeaders,
    hexSha256(input.body),
  ].join('\n');

  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [ALGORITHM, xAmzDate, scope, hexSha256(canonicalRequest)].join('\n');
  const kDate = hmac(`AWS4${input.secretAccessKey}`, day);
  const kRegion = hmac(kDate, input.region);
  const kService = hmac(kRegion, input.service);
  const kSigning = hmac(kService, 'aws4_request');
  const signature = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');

  return {
    headers: {
      ...headers,
      authorization: `${ALGORITHM} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
    canonicalRequest,
    stringToSign,
  };
}
