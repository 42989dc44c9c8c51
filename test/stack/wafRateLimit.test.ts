/**
 * The stack's AWS WAF rate rule on the local stack (`apiRateLimit`): a real
 * stack, real HTTP requests and WebSocket handshakes from two loopback
 * addresses. The flood is the adversary: one address past the limit gets
 * HTTP 403 with AppSync's WAF body whatever it sends (no key, a wrong key,
 * a valid one), before any authorization; another address is not affected;
 * a WebSocket handshake is a request too; frames on a socket opened before
 * the block are not.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';

const LIMIT = 12;
/** A second client address: Linux routes all of 127.0.0.0/8 to loopback. */
const OTHER_ADDRESS = '127.0.0.2';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startScratchStack({ apiRateLimit: LIMIT, apiRateWindowSeconds: 60 });
});
afterAll(async () => {
  await stack?.stop();
});

interface Reply {
  status: number;
  body: unknown;
}

/** POSTs a GraphQL body from `localAddress` (default 127.0.0.1). */
function post(headers: Record<string, string>, localAddress?: string): Promise<Reply> {
  const url = new URL(stack.endpoints.graphqlUrl);
  const body = JSON.stringify({ query: '{ raceClasses { classId } }' });
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        ...(localAddress ? { localAddress } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens the real-time endpoint; resolves with the socket, or with the HTTP refusal of the handshake. */
function handshake(localAddress?: string): Promise<{ socket: WebSocket } | { refused: Reply }> {
  const header = Buffer.from(
    JSON.stringify({ host: new URL(stack.endpoints.graphqlUrl).host, 'x-api-key': stack.endpoints.apiKey }),
  ).toString('base64');
  const socket = new WebSocket(
    `${stack.endpoints.realtimeUrl}?header=${encodeURIComponent(header)}&payload=e30%3D`,
    'graphql-ws',
    {
      ...(localAddress ? { localAddress } : {}),
    },
  );
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          refused: { status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) },
        }),
      );
    });
    socket.once('error', reject);
  });
}

function nextFrame(socket: WebSocket, type: string): Promise<{ type: string; payload?: unknown }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const frame = JSON.parse(data.toString()) as { type: string; payload?: unknown };
      if (frame.type !== type) return;
      socket.off('message', onMessage);
      resolve(frame);
    };
    socket.on('message', onMessage);
  });
}

const WAF_BODY = { errors: [{ errorType: 'WAFForbiddenException', message: '403 Forbidden' }] };

describe('the WAF rate limit on the local stack', () => {
  it('is reported as a part of the stack, with its limit and window', () => {
    expect(stack.parts.find((p) => p.name === 'WAF rate limit')).toMatchObject({
      running: true,
      detail: `${LIMIT} requests per client address per 60 s, then HTTP 403`,
    });
  });

  it('blocks an address past the limit with 403 before authorization, counts its handshakes, spares other addresses and open sockets', async () => {
    // A socket opened first: its frames are not web requests.
    const early = await handshake();
    if (!('socket' in early)) throw new Error(`the first handshake was refused: ${JSON.stringify(early.refused)}`);
    const ack = nextFrame(early.socket, 'connection_ack');
    early.socket.send(JSON.stringify({ type: 'connection_init' }));
    await ack;

    // The handshake above was request 1; ten more reads with the key, one without a key: 12, the limit.
    const replies: Reply[] = [];
    for (let i = 0; i < LIMIT - 2; i++) replies.push(await post({ 'x-api-key': stack.endpoints.apiKey }));
    const anonymous = await post({});
    expect(replies.map((r) => r.status)).toEqual(new Array(LIMIT - 2).fill(200));
    // Within the limit, AppSync itself answers: a request without credentials is its 401.
    expect(anonymous.status).toBe(401);

    // Past it: 403 and WAF's body, whatever the request carries.
    for (const headers of [{ 'x-api-key': stack.endpoints.apiKey }, {}, { 'x-api-key': 'da2-wrong' }] as Record<
      string,
      string
    >[]) {
      expect(await post(headers)).toEqual({ status: 403, body: WAF_BODY });
    }
    const blockedHandshake = await handshake();
    expect(blockedHandshake).toEqual({ refused: { status: 403, body: WAF_BODY } });

    // Another address has its own count.
    expect((await post({ 'x-api-key': stack.endpoints.apiKey }, OTHER_ADDRESS)).status).toBe(200);
    const other = await handshake(OTHER_ADDRESS);
    expect('socket' in other).toBe(true);
    if ('socket' in other) other.socket.close();

    // The socket opened before the block still subscribes: WAF never sees its frames.
    const started = nextFrame(early.socket, 'start_ack');
    early.socket.send(
      JSON.stringify({
        id: 'after-block',
        type: 'start',
        payload: {
          data: JSON.stringify({ query: 'subscription { onLiveRankings(classId: 1) { classId } }', variables: {} }),
          extensions: {
            authorization: { host: new URL(stack.endpoints.graphqlUrl).host, 'x-api-key': stack.endpoints.apiKey },
          },
        },
      }),
    );
    await started;
    early.socket.close();
  });
});
