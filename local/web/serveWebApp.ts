/**
 * Serves the built web app (web/dist) on the local stack's HTTP server:
 * static files with their content types, gzip when the browser accepts it,
 * long-lived caching for Vite's content-hashed assets and revalidation for the
 * rest, `/config.json` from the stack's endpoints, and the SPA fallback
 * (index.html for app routes such as /results/3/1234) so the page's own
 * router takes over. Returns false for what it does not serve, so the caller
 * can answer (404, or another handler).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { contentTypeOf, isCompressible } from './contentTypes.js';
import type { WebConfig } from '../../contract/webConfig.js';

export interface ServeWebAppOptions {
  /**
   * The page's configuration for `/config.json` (read at every request:
   * endpoints may change); `secure` when the request came over TLS.
   */
  config?: (request: { secure: boolean }) => WebConfig;
  /** Paths never answered with the SPA fallback (the API's own routes). Default: /graphql. */
  reservedPrefixes?: readonly string[];
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  contentType: string;
}

/** Vite's hashed output: safe to cache for a year (the name changes when the content does). */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) must be revalidated, or a new build would not be seen. */
const REVALIDATE = 'no-cache';

export function serveWebApp(
  distDir: string,
  options: ServeWebAppOptions = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const root = path.resolve(distDir);
  const reserved = options.reservedPrefixes ?? ['/graphql'];
  const cache = new Map<string, CachedFile>();

  const load = (file: string): CachedFile | null => {
    let st;
    try {
      st = statSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
        return null;
      throw err;
    }
    if (!st.isFile()) return null;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
    const body = readFileSync(file);
    const contentType = contentTypeOf(file);
    const entry: CachedFile = {
      mtimeMs: st.mtimeMs,
      size: st.size,
      body,
      gzip: isCompressible(contentType) && body.length > 1024 ? gzipSync(body) : null,
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
      contentType,
    };
    cache.set(file, entry);
    return entry;
  };

  const send = (req: IncomingMessage, res: ServerResponse, f: CachedFile, cacheControl: string): void => {
    res.setHeader('Content-Type', f.contentType);
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('ETag', f.etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.headers['if-none-match'] === f.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    const gzip = f.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? f.gzip : null;
    const body = gzip ?? f.body;
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', body.length);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch (err) {
      // A malformed escape (%E0%A4%A): not ours to serve; the caller answers it.
      console.warn('serveWebApp: bad request path', req.url, err instanceof Error ? err.message : err);
      return false;
    }
    if (reserved.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return false;

    if (pathname === '/config.json' && options.config) {
      const secure = (req.socket as Partial<TLSSocket>).encrypted === true;
      const body = Buffer.from(JSON.stringify(options.config({ secure })));
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Content-Length', body.length);
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    }

    // Resolve inside distDir only: "/../x" and encoded variants never leave it.
    const file = path.resolve(root, `.${path.posix.normalize(pathname)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return false;
    const direct = pathname.endsWith('/') ? null : load(file);
    if (direct) {
      send(req, res, direct, pathname.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
      return true;
    }
    // A missing file with an extension is a 404 for the caller; a route gets the app.
    if (path.posix.extname(pathname) !== '') return false;
    const index = load(path.join(root, 'index.html'));
    if (!index) return false;
    send(req, res, index, REVALIDATE);
    return true;
  };
}
