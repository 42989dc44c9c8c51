/**
 * Test-side SigV4 check for header objects (service `appsync`): re-signs the
 * request with the known local credentials and compares signatures. The real
 * runtime has its own verifier; this one lets protocol tests run without it.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { LOCAL_REGION } from '../../../local/credentials.js';
import { TEST_IAM_CREDENTIALS } from '../../support/testCredentials.js';

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/appsync\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;

function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

/** True when `headers` is a valid SigV4 signature of POST https://<host><path> with `body`. */
export async function verifyIamHeaders(headers: Record<string, string>, path: string, body: string): Promise<boolean> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  const match = AUTH_PATTERN.exec(lower.authorization ?? '');
  const date = parseAmzDate(lower['x-amz-date'] ?? '');
  const host = lower.host;
  if (!match || !date || !host) return false;
  const [, accessKeyId, , region, signedHeaders] = match;
  if (accessKeyId !== TEST_IAM_CREDENTIALS.accessKeyId || region !== LOCAL_REGION) return false;
  const toSign: Record<string, string> = {};
  for (const name of (signedHeaders ?? '').split(';')) {
    const value = lower[name];
    if (value === undefined) return false;
    toSign[name] = value;
  }
  const [hostname, port] = host.split(':');
  const request = new HttpRequest({
    method: 'POST',
    protocol: 'https:',
    hostname: hostname ?? host,
    port: port === undefined ? undefined : Number(port),
    path,
    headers: toSign,
    body,
  });
  const signer = new SignatureV4({
    credentials: TEST_IAM_CREDENTIALS,
    region: LOCAL_REGION,
    service: 'appsync',
    sha256: Sha256,
  });
  const signed = await signer.sign(request, { signingDate: date });
  return signed.headers.authorization === lower.authorization;
}
