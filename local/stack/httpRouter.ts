/**
 * The stack's HTTP server, and its HTTPS twin on a port of its own: routes
 * tried in order (the same routes on both), a 404 in AppSync's error shape
 * when none answers, a 500 (and a log line) when one throws.
 */
import http from 'node:http';
import https from 'node:https';
import { errorMessage } from '../../lib/toError.js';
import type { CertifiedKey } from './localCertificates.js';
import { StackStartError } from './errors.js';

/** Answers the request and returns true, or returns false to let the next route try. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

/** A server the routes answer on; WebSocket endpoints attach to its `upgrade` event. */
export type RouterServer = http.Server | https.Server;

export interface HttpRouter {
  /** The plain HTTP server. */
  readonly server: http.Server;
  /** Every server listening: the HTTP one, then the HTTPS one once `listenTls` resolved. */
  readonly servers: readonly RouterServer[];
  /** Adds a route after those added before. */
  add(route: Route): void;
  /** Listens; resolves with the port (the one given, or the one picked for 0). */
  listen(port: number, host: string): Promise<number>;
  /**
   * Serves the same routes over TLS; resolves with the port. Handshakes fail
   * until `useCertificate` gave the server its certificate (so a taken port is
   * found before the certificate is made).
   */
  listenTls(port: number, host: string): Promise<number>;
  useCertificate(certificate: CertifiedKey): void;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, errorType: string, message: string): void {
  const body = JSON.stringify({ errors: [{ errorType, message }] });
  if (!res.headersSent)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function listen(server: RouterServer, port: number, host: string, flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new StackStartError(
            `port ${port} on ${host} is taken`,
            `Stop what uses it (e.g. \`ss -ltnp | grep :${port}\`) or pass ${flag} <another>.`,
            { cause: error },
          ),
        );
      } else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function closeServer(server: RouterServer): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function createHttpRouter(log: (line: string) => void): HttpRouter {
  const routes: Route[] = [];
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    try {
      for (const route of routes) if (route(req, res)) return;
      sendJson(res, 404, 'NotFound', 'No such path on the local stack.');
    } catch (error) {
      log(`error: ${req.method} ${req.url}: ${errorMessage(error)}`);
      sendJson(res, 500, 'InternalFailure', 'The local stack failed on this request.');
    }
  };
  const server = http.createServer(onRequest);
  const tls = https.createServer(onRequest);
  const servers: RouterServer[] = [server];
  return {
    server,
    servers,
    add: (route) => {
      routes.push(route);
    },
    listen: (port, host) => listen(server, port, host, '--port'),
    listenTls: (port, host) => {
      servers.push(tls);
      return listen(tls, port, host, '--tls-port');
    },
    useCertificate: (certificate) => tls.setSecureContext({ cert: certificate.cert, key: certificate.key }),
    close: async () => {
      await Promise.all(servers.map(closeServer));
    },
  };
}
