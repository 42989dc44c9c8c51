/**
 * `GET /ops/metrics`: the collector's snapshot as JSON (shape: types.ts
 * `OpsSnapshot`). The local stack mounts it on its HTTP server in front of
 * its other routes:
 *
 * ```ts
 * const ops = createOpsHandler(collector);
 * http.createServer((req, res) => { if (ops(req, res)) return; … });
 * ```
 *
 * Query parameters: `since=<epochMs>` (only newer points, for incremental
 * polling) and `prefix=<id prefix>` (e.g. `esm.` or `fn.aggregator.`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OpsCollector, SnapshotQuery } from './collector.js';

/** The path the handler answers. */
export const OPS_METRICS_PATH = '/ops/metrics';

/** Handles the request if it is for /ops/metrics (returns true), else leaves it alone (false). */
export type OpsHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createOpsHandler(collector: OpsCollector): OpsHandler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== OPS_METRICS_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(
        res,
        405,
        { error: `method ${req.method ?? ''} not allowed on ${OPS_METRICS_PATH}; use GET` },
        { Allow: 'GET, HEAD' },
      );
      return true;
    }
    const query = parseQuery(url.searchParams);
    if (typeof query === 'string') {
      send(res, 400, { error: query });
      return true;
    }
    send(res, 200, collector.snapshot(query), {}, req.method === 'HEAD');
    return true;
  };
}

function parseQuery(params: URLSearchParams): SnapshotQuery | string {
  const query: SnapshotQuery = {};
  const since = params.get('since');
  if (since !== null) {
    const n = Number(since);
    if (since.trim() === '' || !Number.isFinite(n)) return `since must be epoch milliseconds, got "${since}"`;
    query.since = n;
  }
  const prefix = params.get('prefix');
  if (prefix !== null) {
    if (prefix.length > 200) return 'prefix must be at most 200 characters';
    query.prefix = prefix;
  }
  return query;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  headOnly = false,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    // Live figures: never cached.
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(headOnly ? undefined : text);
}
