/**
 * POST /graphql for the graphql-js test backend: the same header checks as the
 * real-time endpoint (API key or SigV4 over /graphql), then the operation.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphqlBackend } from './graphqlBackend.js';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

/** A request listener serving the backend on /graphql. */
export function graphqlHttpHandler(backend: GraphqlBackend) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const send = (status: number, value: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(value));
    };
    if (req.method !== 'POST' || req.url !== '/graphql') return send(404, { errors: [{ message: 'Not found' }] });
    const body = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    const auth = await backend.authorize({ headers, path: '/graphql', body });
    if (!auth.ok) return send(401, { errors: [auth.error] });
    const request = JSON.parse(body) as { query: string; variables?: Record<string, unknown>; operationName?: string };
    const result = await backend.mutate(request.query, request.variables ?? {}, request.operationName);
    send(200, result);
  };
}
