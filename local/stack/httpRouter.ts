/**
 * The stack's one HTTP server: routes tried in order, a 404 in AppSync's error
 * shape when none answers, a 500 (and a log line) when one throws.
 */
import http from 'node:http';
import { errorMessage } from '../../lib/toError.js';
import { StackStartError } from './errors.js';

/** Answers the request and returns true, or returns false to let the next route try. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

export interface HttpRouter {
  readonly server: http.Server;
  /** Adds a route after those added before. */
  add(route: Route): void;
  /** Listens; resolves with the port (the one given, or the one picked for 0). */
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, errorType: string, message: string): void {
  const body = JSON.stringify({ errors: [{ errorType, message }] });
  if (!res.headersSent)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new StackStartError(
            `port ${port} on ${host} is taken`,
            `Stop what uses it (e.g. \`ss -ltnp | grep :${port}\`) or pass --port <another>.`,
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

export function createHttpRouter(log: (line: string) => void): HttpRouter {
  const routes: Route[] = [];
  const server = http.createServer((req, res) => {
    try {
      for (const route of routes) if (route(req, res)) return;
      sendJson(res, 404, 'NotFound', 'No such path on the local stack.');
    } catch (error) {
      log(`error: ${req.method} ${req.url}: ${errorMessage(error)}`);
      sendJson(res, 500, 'InternalFailure', 'The local stack failed on this request.');
    }
  });
  return {
    server,
    add: (route) => {
      routes.push(route);
    },
    listen: (port, host) => listen(server, port, host),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
