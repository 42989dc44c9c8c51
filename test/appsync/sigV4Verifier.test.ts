/**
 * The runtime's SigV4 verifier (local/appsync/auth/sigv4Verify.ts), on the
 * real local stack, checked with signatures from a DIFFERENT implementation:
 * test/realtime/support/sigV4Signer.ts (node:crypto, AWS's documented
 * algorithm), itself checked first against AWS's published examples.
 *
 * Three signed requests, as AppSync defines them:
 * - the real-time handshake: POST <graphql url>/connect, body `{}`, headers
 *   accept, content-encoding, content-type, host, x-amz-date, carried in the
 *   `header` query parameter; a refusal is `connection_error` then close;
 * - a subscription `start`: POST <graphql url>, body = the start's `data`
 *   string, carried in `payload.extensions.authorization`; a refusal is an
 *   `error` frame with the start's id and the HTTP refusal's errorType,
 *   message and status as errorCode;
 * - HTTP POST /graphql: the refusal's status and body.
 * Each is accepted when valid and refused for each tampering below, with
 * the exact values the running server answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import { openRealtime, type RealtimeClient } from '../security/support/clients.js';
import { amzDate, signSigV4, type SigV4SignInput } from '../realtime/support/sigV4Signer.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startScratchStack();
});
afterAll(async () => {
  await stack?.stop();
});

/** The constant headers AppSync's real-time IAM header object signs. */
const REALTIME_HEADERS = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};
const MINUTE = 60_000;
const BAD_SIGNATURE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

type Overrides = Partial<Omit<SigV4SignInput, 'url' | 'body' | 'headers'>>;

/** Signs POST `url` with `body` as the stack's local principal, service appsync. */
function sign(url: string, body: string, headers: Record<string, string>, overrides: Overrides = {}) {
  return signSigV4({
    url,
    body,
    headers,
    ...stack.endpoints.credentials,
    region: stack.endpoints.region,
    service: 'appsync',
    ...overrides,
  }).headers;
}

/** A signed request as sent: its headers and the body that goes with them. */
interface Sent {
  headers: Record<string, string>;
  body: string;
}

interface Tampering {
  name: string;
  make(url: string, body: string, headers: Record<string, string>): Sent;
  status: number;
  errorType: string;
  /** The exact messages the server may answer between `t0` and `t1` (one, unless it names the clock). */
  messages(t0: number, t1: number, sent: Sent): string[];
}

const BODY_ALTERED = 'the body altered after signing';
const constant = (message: string) => () => [message];

/** Every message "Signature expired" can read while the server's clock runs from t0 to t1. */
function expiredMessages(t0: number, t1: number, sent: Sent): string[] {
  const out: string[] = [];
  for (let s = Math.floor(t0 / 1000); s <= Math.ceil(t1 / 1000); s++) {
    const now = s * 1000;
    out.push(
      `Signature expired: ${sent.headers['x-amz-date']} is now earlier than ${amzDate(
        new Date(now - 5 * MINUTE),
      )} (${amzDate(new Date(now))} - 5 min.)`,
    );
  }
  return out;
}

/** AWS's message for a date more than 5 minutes ahead, at any server second from t0 to t1. */
function notYetCurrentMessages(t0: number, t1: number, sent: Sent): string[] {
  const out: string[] = [];
  for (let s = Math.floor(t0 / 1000); s <= Math.ceil(t1 / 1000); s++) {
    const now = s * 1000;
    out.push(
      `Signature not yet current: ${sent.headers['x-amz-date']} is still later than ${amzDate(
        new Date(now + 5 * MINUTE),
      )} (${amzDate(new Date(now))} + 5 min.)`,
    );
  }
  return out;
}

const TAMPERINGS: Tampering[] = [
  {
    name: 'a wrong secret',
    make: (url, body, h) => ({ headers: sign(url, body, h, { secretAccessKey: 'not-the-secret' }), body }),
    status: 403,
    errorType: 'InvalidSignatureException',
    messages: constant(BAD_SIGNATURE),
  },
  {
    name: BODY_ALTERED,
    make: (url, body, h) => ({ headers: sign(url, body, h), body: body.replace('"classId":1', '"classId":2') }),
    status: 403,
    errorType: 'InvalidSignatureException',
    messages: constant(BAD_SIGNATURE),
  },
  {
    name: 'the host altered after signing',
    // Signed for localhost:<port>, then sent with (HTTP) or claiming (header object) the real host.
    make: (url, body, h) => ({
      headers: { ...sign(url, body, h, { host: `localhost:${new URL(url).port}` }), host: new URL(url).host },
      body,
    }),
    status: 403,
    errorType: 'InvalidSignatureException',
    messages: constant(BAD_SIGNATURE),
  },
  {
    name: 'an X-Amz-Date 6 minutes old',
    make: (url, body, h) => ({ headers: sign(url, body, h, { date: new Date(Date.now() - 6 * MINUTE) }), body }),
    status: 403,
    errorType: 'InvalidSignatureException',
    messages: expiredMessages,
  },
  {
    name: 'an unknown access key',
    make: (url, body, h) => ({ headers: sign(url, body, h, { accessKeyId: 'AKIDUNKNOWN' }), body }),
    status: 401,
    errorType: 'UnrecognizedClientException',
    messages: constant('The security token included in the request is invalid.'),
  },
  {
    name: 'a signature for another region',
    make: (url, body, h) => ({ headers: sign(url, body, h, { region: 'eu-west-1' }), body }),
    status: 403,
    errorType: 'InvalidSignatureException',
    messages: constant("Credential should be scoped to a valid region, not 'eu-west-1'."),
  },
  {
    name: 'a signature for another service',
    make: (url, body, h) => ({ headers: sign(url, body, h, { service: 'execute-api' }), body }),
    status: 403,
    errorType: 'InvalidSignatureException',
    messages: constant("Credential should be scoped to correct service: 'appsync'."),
  },
];

/** A 6-minute-ahead clock is refused as not yet current. */
const FUTURE: Tampering = {
  name: 'an X-Amz-Date 6 minutes ahead',
  make: (url, body, h) => ({ headers: sign(url, body, h, { date: new Date(Date.now() + 6 * MINUTE) }), body }),
  status: 403,
  errorType: 'InvalidSignatureException',
  messages: notYetCurrentMessages,
};

/** `actual` when it is one of `candidates`, else the first candidate (so toEqual shows the difference). */
const pick = (actual: unknown, candidates: string[]): string | undefined =>
  typeof actual === 'string' && candidates.includes(actual) ? actual : candidates[0];

const PUBLISH =
  'mutation P($input: LiveRankingsInput!) { publishLiveRankings(input: $input) { classId raceId updatedAt entries { rank racerId name output second } } }';
const SNAPSHOT = {
  classId: 1,
  raceId: 77,
  updatedAt: '2026-12-01T10:00:00.000Z',
  entries: [{ rank: 1, racerId: 'rider-1', name: 'One', output: 12.5, second: 10 }],
};
const publishBody = () => JSON.stringify({ query: PUBLISH, variables: { input: SNAPSHOT } });
const ON_LIVE =
  'subscription S($classId: Int!) { onLiveRankings(classId: $classId) { classId raceId updatedAt entries { rank racerId name output second } } }';
const startData = (classId = 1) => JSON.stringify({ query: ON_LIVE, variables: { classId } });

async function post(sent: Sent): Promise<{ status: number; body: unknown }> {
  // fetch sets Host itself (to the URL's host): a signed host that differs is the tampering.
  const { host: _host, ...headers } = sent.headers;
  const response = await fetch(stack.endpoints.graphqlUrl, { method: 'POST', body: sent.body, headers });
  return { status: response.status, body: await response.json() };
}

const connectUrl = () => `${stack.endpoints.graphqlUrl}/connect`;

async function handshake(header: Record<string, string>): Promise<RealtimeClient> {
  const client = await openRealtime(stack.endpoints.realtimeUrl, header);
  client.send(JSON.stringify({ type: 'connection_init' }));
  return client;
}

async function acked(): Promise<RealtimeClient> {
  const client = await handshake(sign(connectUrl(), '{}', REALTIME_HEADERS));
  await client.next((f) => f.type === 'connection_ack');
  return client;
}

function startFrame(id: string, data: string, authorization: Record<string, string>): string {
  return JSON.stringify({ id, type: 'start', payload: { data, extensions: { authorization } } });
}

describe('the independent signer', () => {
  it("reproduces AWS's published SigV4 test-suite signatures (get-vanilla, post-vanilla)", () => {
    const example = {
      url: 'https://example.amazonaws.com/',
      body: '',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
      service: 'service',
      date: new Date(Date.UTC(2015, 7, 30, 12, 36, 0)),
    };
    const scope = 'Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date';
    expect(signSigV4({ ...example, method: 'GET' }).headers.authorization).toBe(
      `AWS4-HMAC-SHA256 ${scope}, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
    );
    expect(signSigV4({ ...example, method: 'POST' }).headers.authorization).toBe(
      `AWS4-HMAC-SHA256 ${scope}, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`,
    );
  });
});

describe('the real-time handshake (POST <graphql url>/connect, body {})', () => {
  it('is acknowledged when validly signed, also with a 4-minute clock skew', async () => {
    for (const date of [new Date(), new Date(Date.now() - 4 * MINUTE), new Date(Date.now() + 4 * MINUTE)]) {
      const client = await handshake(sign(connectUrl(), '{}', REALTIME_HEADERS, { date }));
      const ack = await client.next((f) => f.type === 'connection_ack');
      expect(ack).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
      client.close();
    }
  });

  const refusals: [string, () => Sent][] = [
    // The handshake's body is always {}: a client cannot alter it, only sign another (below).
    ...[...TAMPERINGS.filter((t) => t.name !== BODY_ALTERED), FUTURE].map((t): [string, () => Sent] => [
      t.name,
      () => t.make(connectUrl(), '{}', REALTIME_HEADERS),
    ]),
    // The handshake signs the body {} and the /connect path, nothing else.
    ['a body other than {}', () => ({ headers: sign(connectUrl(), '{"a":1}', REALTIME_HEADERS), body: '{}' })],
    [
      "a start's signature (POST /graphql) replayed",
      () => ({ headers: sign(stack.endpoints.graphqlUrl, '{}', REALTIME_HEADERS), body: '{}' }),
    ],
  ];
  it.each(refusals)('refuses %s with connection_error 401, then closes', async (_name, make) => {
    const client = await handshake(make().headers);
    await client.next((f) => f.type === 'connection_error');
    const closed = await client.closed;
    expect(client.frames).toEqual([
      {
        type: 'connection_error',
        payload: {
          errors: [
            {
              errorType: 'UnauthorizedException',
              message: 'You are not authorized to make this call.',
              errorCode: 401,
            },
          ],
        },
      },
    ]);
    expect(closed).toEqual({ code: 1008, reason: 'Unauthorized' });
  });
});

describe('a subscription start (POST <graphql url>, body = its data string)', () => {
  it('is acknowledged when validly signed and then receives a publish signed by the same signer, exactly', async () => {
    const client = await acked();
    const data = startData(1);
    client.send(startFrame('s1', data, sign(stack.endpoints.graphqlUrl, data, REALTIME_HEADERS)));
    expect(await client.next((f) => f.id === 's1')).toEqual({ type: 'start_ack', id: 's1' });

    const body = publishBody();
    const reply = await post({
      headers: sign(stack.endpoints.graphqlUrl, body, { 'content-type': 'application/json' }),
      body,
    });
    expect(reply).toEqual({ status: 200, body: { data: { publishLiveRankings: SNAPSHOT } } });
    expect(await client.next((f) => f.type === 'data')).toEqual({
      type: 'data',
      id: 's1',
      payload: { data: { onLiveRankings: SNAPSHOT } },
    });
    client.close();
  });

  it.each([...TAMPERINGS, FUTURE].map((t) => [t.name, t] as const))(
    'refuses %s with an error frame for its id, and the connection stays usable',
    async (_name, tampering) => {
      const client = await acked();
      const t0 = Date.now();
      const sent = tampering.make(stack.endpoints.graphqlUrl, startData(1), REALTIME_HEADERS);
      client.send(startFrame('bad', sent.body, sent.headers));
      const refused = await client.next((f) => f.id === 'bad');
      const candidates = tampering.messages(t0, Date.now(), sent);
      expect(refused).toEqual({
        type: 'error',
        id: 'bad',
        payload: {
          errors: [
            {
              errorType: tampering.errorType,
              message: pick(refused.payload?.errors?.[0]?.message, candidates),
              errorCode: tampering.status,
            },
          ],
        },
      });
      const data = startData(2);
      client.send(startFrame('good', data, sign(stack.endpoints.graphqlUrl, data, REALTIME_HEADERS)));
      expect(await client.next((f) => f.id === 'good')).toEqual({ type: 'start_ack', id: 'good' });
      client.close();
    },
  );

  it("refuses the handshake's signature (POST /graphql/connect, body {}) replayed on a start", async () => {
    const client = await acked();
    client.send(startFrame('replay', startData(1), sign(connectUrl(), '{}', REALTIME_HEADERS)));
    expect(await client.next((f) => f.id === 'replay')).toEqual({
      type: 'error',
      id: 'replay',
      payload: { errors: [{ errorType: 'InvalidSignatureException', message: BAD_SIGNATURE, errorCode: 403 }] },
    });
    client.close();
  });
});

describe('HTTP POST /graphql', () => {
  const JSON_HEADERS = { 'content-type': 'application/json' };

  it('answers a validly signed request, also with a 4-minute clock skew', async () => {
    for (const date of [new Date(), new Date(Date.now() - 4 * MINUTE), new Date(Date.now() + 4 * MINUTE)]) {
      const body = publishBody();
      const reply = await post({ headers: sign(stack.endpoints.graphqlUrl, body, JSON_HEADERS, { date }), body });
      expect(reply).toEqual({ status: 200, body: { data: { publishLiveRankings: SNAPSHOT } } });
    }
  });

  it.each([...TAMPERINGS, FUTURE].map((t) => [t.name, t] as const))('refuses %s', async (_name, tampering) => {
    const t0 = Date.now();
    const sent = tampering.make(stack.endpoints.graphqlUrl, publishBody(), JSON_HEADERS);
    const reply = await post(sent);
    const errors = (reply.body as { errors?: { message?: unknown }[] }).errors;
    const candidates = tampering.messages(t0, Date.now(), sent);
    expect(reply).toEqual({
      status: tampering.status,
      body: {
        errors: [
          {
            errorType: tampering.errorType,
            message: pick(errors?.[0]?.message, candidates),
          },
        ],
      },
    });
  });
});
