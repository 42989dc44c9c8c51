/**
 * The HTTP data source [DOC resolver-reference-http-js]: the request object
 * `{method, resourcePath, params:{headers, query, body}}` is sent to the data
 * source's endpoint, SigV4-signed with its signing service and region (as
 * AppSync does for an HTTP data source with IAM authorization, e.g. Kinesis).
 * ctx.result is `{statusCode, headers, body}` with body as text.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { DataSource, DataSourceResult } from './types.js';
import { isRecord } from '../../../lib/isRecord.js';
import { errorMessage } from '../../../lib/toError.js';

export interface HttpDataSourceOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly service: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  readonly timeoutMs?: number;
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(value))
    for (const [k, v] of Object.entries(value)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

export function createHttpDataSource(options: HttpDataSourceOptions): DataSource {
  const signer = new SignatureV4({
    credentials: options.credentials,
    region: options.region,
    service: options.service,
    sha256: Sha256,
  });
  const base = new URL(options.endpoint);
  return {
    async invoke({ request }): Promise<DataSourceResult> {
      if (!isRecord(request) || typeof request['method'] !== 'string' || typeof request['resourcePath'] !== 'string') {
        return {
          result: null,
          error: { message: 'An HTTP request object needs "method" and "resourcePath"', type: 'HTTP:InvalidRequest' },
        };
      }
      const params = isRecord(request['params']) ? request['params'] : {};
      const body =
        params['body'] === undefined || params['body'] === null
          ? undefined
          : typeof params['body'] === 'string'
          ? params['body']
          : JSON.stringify(params['body']);
      const query = stringMap(params['query']);
      const headers = { ...stringMap(params['headers']), host: base.host };
      const unsigned = new HttpRequest({
        method: request['method'].toUpperCase(),
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path: request['resourcePath'],
        query,
        headers,
        ...(body !== undefined ? { body } : {}),
      });
      const signed = await signer.sign(unsigned);
      const url = new URL(request['resourcePath'], base);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      try {
        const res = await fetch(url, {
          method: signed.method,
          headers: signed.headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
        const responseHeaders: Record<string, string> = {};
        res.headers.forEach((v, k) => {
          responseHeaders[k] = v;
        });
        return { result: { statusCode: res.status, headers: responseHeaders, body: await res.text() } };
      } catch (err) {
        return { result: null, error: { message: errorMessage(err), type: 'HTTP:ConnectionError' } };
      }
    },
  };
}
