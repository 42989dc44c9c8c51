/**
 * HTTP adapter: `POST /graphql` with a JSON body `{query, variables?, operationName?}`,
 * answered in AppSync's shape. Bodies are limited in size; malformed JSON or a
 * missing query gets a clean 400 error; any unexpected failure becomes a 500
 * JSON error — the server never crashes or hangs. CORS is open for the web app
 * (AppSync answers CORS preflights for any origin).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppSyncRuntime } from './types.js';
import { WAF_FORBIDDEN_BODY, WAF_FORBIDDEN_STATUS, clientAddress, type WebAcl } from './webAcl.js';
import { isRecord } from '../../lib/isRecord.js';
import { errorMessage } from '../../lib/toError.js';

// A request body larger than this is refused. AppSync documents a 1 MB limit on
// schema documents and responses; we apply 1 MB to requests too [UNVERIFIED exact AppSync limit].
export const MAX_BODY_BYTES = 1024 * 1024;

const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256',
  'access-control-max-age': '86400',
};

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS_HEADERS,
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function badRequest(res: http.ServerResponse, message: string, status = 400): void {
  send(res, status, {
    errors: [{ errorType: status === 413 ? 'PayloadTooLargeException' : 'MalformedHttpRequestException', message }],
  });
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A Node request handler for POST /graphql (mount it at the path you like). */
export function createGraphqlHandler(
  runtime: AppSyncRuntime,
  options: { maxBodyBytes?: number; webAcl?: WebAcl } = {},
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    if (options.webAcl && !options.webAcl.admit(clientAddress(req.socket.remoteAddress))) {
      // The body is not read: WAF answers before AppSync sees the request.
      send(res, WAF_FORBIDDEN_STATUS, WAF_FORBIDDEN_BODY);
      req.resume();
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      send(res, 405, { errors: [{ errorType: 'MethodNotAllowedException', message: 'Use POST with a JSON body.' }] });
      return;
    }
    const raw = await readBody(req, limit);
    if (raw === null) {
      badRequest(res, `Request body is larger than ${limit} bytes.`, 413);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch (err) {
      badRequest(res, `Unable to parse the JSON document: ${errorMessage(err)}`);
      return;
    }
    if (!isRecord(body) || typeof body['query'] !== 'string') {
      badRequest(res, 'The request body must be a JSON object with a "query" string.');
      return;
    }
    const variables = body['variables'];
    if (variables !== undefined && variables !== null && !isRecord(variables)) {
      badRequest(res, '"variables" must be a JSON object.');
      return;
    }
    const operationName = typeof body['operationName'] === 'string' ? body['operationName'] : null;
    // A header sent several times reaches resolvers as an array (ctx.request.headers.custom[1] [DOC]).
    const headers: Record<string, string | string[]> = {};
    for (const [name, values] of Object.entries(req.headersDistinct)) {
      if (values && values.length > 0) headers[name] = values.length === 1 ? values[0] ?? '' : values;
    }
    const out = await runtime.execute({
      query: body['query'],
      variables: (variables as Record<string, unknown> | null | undefined) ?? null,
      operationName,
      headers,
      rawBody: raw,
      path: (req.url ?? '/graphql').split('?')[0] ?? '/graphql',
      ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}),
    });
    send(res, out.statusCode, out.body);
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('appsync http: request failed', err);
      send(res, 500, { errors: [{ errorType: 'InternalFailure', message: 'An internal failure occurred.' }] });
    });
  };
}

export interface GraphqlServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A standalone HTTP server for tests: POST /graphql on 127.0.0.1. */
export async function startGraphqlServer(options: {
  port?: number;
  host?: string;
  runtime: AppSyncRuntime;
}): Promise<GraphqlServer> {
  const handler = createGraphqlHandler(options.runtime);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/graphql') handler(req, res);
    else send(res, 404, { errors: [{ errorType: 'NotFoundException', message: 'Not found' }] });
  });
  // A client that never finishes its request is cut off instead of holding a socket forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
