/** Raw HTTP and WebSocket clients for abuse tests: they send what a well-behaved SDK never would. */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import WebSocket from 'ws';

export interface GraphqlReply {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { errorType?: string | null; message: string }[] };
}

/** POSTs a raw body to the GraphQL endpoint. */
export async function postRaw(url: string, body: string, headers: Record<string, string>): Promise<GraphqlReply> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
  return { status: response.status, body: (await response.json()) as GraphqlReply['body'] };
}

/** A GraphQL request with an API key. */
export function withApiKey(
  url: string,
  apiKey: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlReply> {
  return postRaw(url, JSON.stringify({ query, variables }), { 'x-api-key': apiKey });
}

/** A GraphQL request as a signed-in rider: the user pool's token, bare in Authorization as AppSync takes it. */
export function withToken(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlReply> {
  return postRaw(url, JSON.stringify({ query, variables }), { authorization: token });
}

export interface SigningOptions {
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  /** Sign as if at this moment (stale dates). */
  signingDate?: Date;
  path?: string;
}

/** SigV4 headers (service appsync) for a POST of `body` to `url`. */
export async function sigV4Headers(url: string, body: string, opts: SigningOptions): Promise<Record<string, string>> {
  const u = new URL(url);
  const signer = new SignatureV4({
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    region: opts.region ?? 'us-east-1',
    service: 'appsync',
    sha256: Sha256,
  });
  const request = new HttpRequest({
    method: 'POST',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port),
    path: opts.path ?? u.pathname,
    headers: { host: u.host, 'content-type': 'application/json' },
    body,
  });
  const signed = await signer.sign(request, opts.signingDate ? { signingDate: opts.signingDate } : {});
  return signed.headers as Record<string, string>;
}

/** A GraphQL request signed with SigV4. */
export async function withIam(
  url: string,
  opts: SigningOptions,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlReply> {
  const body = JSON.stringify({ query, variables });
  return postRaw(url, body, await sigV4Headers(url, body, opts));
}

export interface Frame {
  type: string;
  id?: string;
  payload?: { errors?: { errorType?: string; message?: string; errorCode?: number }[]; [k: string]: unknown };
}

/** A real-time connection that records every frame and how it closed. */
export interface RealtimeClient {
  frames: Frame[];
  raw: string[];
  socket: WebSocket;
  /** Resolves with the first frame matching `predicate` (rejects after `ms`). */
  next(predicate: (f: Frame) => boolean, ms?: number): Promise<Frame>;
  closed: Promise<{ code: number; reason: string }>;
  send(text: string): void;
  close(): void;
}

/** Opens `realtimeUrl?header=<b64>&payload=e30=` with the graphql-ws subprotocol. */
export function openRealtime(realtimeUrl: string, header: Record<string, string>): Promise<RealtimeClient> {
  const b64 = Buffer.from(JSON.stringify(header)).toString('base64');
  const socket = new WebSocket(`${realtimeUrl}?header=${encodeURIComponent(b64)}&payload=e30%3D`, 'graphql-ws');
  const frames: Frame[] = [];
  const raw: string[] = [];
  const waiters: { predicate: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  socket.on('message', (data) => {
    const text = data.toString();
    raw.push(text);
    const frame = JSON.parse(text) as Frame;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.predicate(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        frames,
        raw,
        socket,
        closed,
        next(predicate, ms = 10_000) {
          const seen = frames.find(predicate);
          if (seen) return Promise.resolve(seen);
          return new Promise((res, rej) => {
            const timer = setTimeout(
              () => rej(new Error(`no matching frame within ${ms} ms; got ${raw.join(' | ')}`)),
              ms,
            );
            waiters.push({ predicate, resolve: (f) => (clearTimeout(timer), res(f)) });
          });
        },
        send: (text) => socket.send(text),
        close: () => socket.close(),
      }),
    );
  });
}

export const ON_LIVE_RANKINGS =
  'subscription Live($classId: Int!) { onLiveRankings(classId: $classId) { classId raceId entries { rank racerId output } } }';

/** A start frame for onLiveRankings authorised with `authorization`. */
export function startFrame(id: string, authorization: Record<string, string>, classId = 1): string {
  return JSON.stringify({
    id,
    type: 'start',
    payload: {
      data: JSON.stringify({ query: ON_LIVE_RANKINGS, variables: { classId } }),
      extensions: { authorization },
    },
  });
}
