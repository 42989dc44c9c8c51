/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`,
 * RequestResponse) over functions given as handlers, on 127.0.0.1. What an
 * emulator that calls Lambda itself (cognito-local's user-pool triggers)
 * points its Lambda client at, so the triggers CDK deploys run locally too.
 *
 * Answers as Lambda does: 200 with the handler's result as the payload; a
 * handler that throws gives 200 with `X-Amz-Function-Error: Unhandled` and
 * `{ errorType, errorMessage }`; an unknown function 404
 * ResourceNotFoundException.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorStartError } from './errors.js';

/** A function as Lambda runs it: an event in, a result (or a thrown error) out. */
export type InvokeHandler = (event: unknown) => Promise<unknown>;

export interface LambdaInvokeServer {
  endpoint: string;
  stop(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
/** Lambda's own cap on a synchronous invocation's request payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function invoke(handler: InvokeHandler, payload: string, res: http.ServerResponse): Promise<void> {
  let event: unknown;
  try {
    event = payload.length === 0 ? {} : JSON.parse(payload);
  } catch {
    send(res, 400, { __type: 'InvalidRequestContentException', message: 'Could not parse request body into json' });
    return;
  }
  try {
    send(res, 200, await handler(event));
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    send(res, 200, { errorType: error.name, errorMessage: error.message }, { 'x-amz-function-error': 'Unhandled' });
  }
}

/** Serves `functions` (by function name) until stopped. */
export async function startLambdaInvokeServer(functions: Record<string, InvokeHandler>): Promise<LambdaInvokeServer> {
  const server = http.createServer((req, res) => {
    const match = INVOKE_PATH.exec(req.url?.split('?')[0] ?? '');
    if (req.method !== 'POST' || !match) {
      send(res, 404, { __type: 'UnknownOperationException', message: `${req.method ?? ''} ${req.url ?? ''}` });
      return;
    }
    const name = decodeURIComponent(match[1] ?? '');
    const handler = Object.hasOwn(functions, name) ? functions[name] : undefined;
    readBody(req).then(
      async (payload) => {
        if (payload === null) {
          send(res, 413, { __type: 'RequestTooLargeException', message: 'Request must be smaller than 6291456 bytes' });
        } else if (!handler) {
          send(res, 404, { __type: 'ResourceNotFoundException', message: `Function not found: ${name}` });
        } else {
          await invoke(handler, payload, res);
        }
      },
      (err: unknown) => send(res, 500, { __type: 'ServiceException', message: String(err) }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new EmulatorStartError(`the Lambda invoke server could not listen: ${err.message}`, 'Is 127.0.0.1 available?', {
          cause: err,
        }),
      ),
    );
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
