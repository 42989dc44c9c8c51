/** Small helpers to call the runtime over real HTTP, with an API key or SigV4 (service appsync). */
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';

export interface HttpAnswer {
  status: number;
  body: Record<string, unknown> & { data?: Record<string, unknown> | null; errors?: Array<Record<string, unknown>> };
  headers: Headers;
}

export async function post(url: string, body: string, headers: Record<string, string>): Promise<HttpAnswer> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, body: (await res.json()) as HttpAnswer['body'], headers: res.headers };
}

export async function signedHeaders(
  url: string,
  body: string,
  creds: { accessKeyId: string; secretAccessKey: string },
  opts: { signingDate?: Date; region?: string; service?: string } = {},
): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({
    credentials: creds,
    region: opts.region ?? 'us-east-1',
    service: opts.service ?? 'appsync',
    sha256: Sha256,
  });
  const req = new HttpRequest({
    method: 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: u.pathname,
    headers: { host: u.host, 'content-type': 'application/json' },
    body,
  });
  const signed = await signer.sign(req, opts.signingDate ? { signingDate: opts.signingDate } : {});
  return signed.headers;
}
