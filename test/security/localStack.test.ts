/**
 * Abuse of the real local stack (`startLocalStack`): its HTTP GraphQL endpoint
 * and its real-time WebSocket on loopback, with the API key and IAM principal
 * it writes to endpoints.json. Every refusal must be clean (AppSync's error
 * shape, no crash, the server keeps serving) and every listening socket must
 * be on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACE_CLASSES } from '../../core/raceClasses.js';
import { EMULATOR_CREDENTIALS } from '../../local/credentials.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import { untilJoinable } from '../support/raceStart.js';
import { riderAccounts } from '../../local/simulator/riderAccounts.js';
import {
  openRealtime,
  postRaw,
  sigV4Headers,
  startFrame,
  withApiKey,
  withIam,
  type SigningOptions,
} from './support/clients.js';

let stack: LocalStack;

beforeAll(async () => {
  // Short races: a rider waits little for a race in its join window (test/support/raceStart.ts).
  stack = await startScratchStack({ raceSeconds: 30 });
});
afterAll(async () => {
  await stack?.stop();
});

const iam = (): SigningOptions => ({ ...stack.endpoints.credentials, region: stack.endpoints.region });
const PUBLISH = `mutation P($input: LiveRankingsInput!) { publishLiveRankings(input: $input) { classId raceId entries { rank racerId } } }`;
const snapshot = { classId: 1, raceId: 100, entries: [{ rank: 1, racerId: 'rider-1', output: 12.5, second: 10 }] };
const RACE_RESULTS =
  'query R($limit: Int) { raceResults(classId: 1, raceId: 100, limit: $limit) { items { rank } nextToken } }';

describe('IAM-only fields', () => {
  it('refuse the API key with Unauthorized, and accept the signed local principal', async () => {
    const refused = await withApiKey(stack.endpoints.graphqlUrl, stack.endpoints.apiKey, PUBLISH, { input: snapshot });
    expect(refused.status).toBe(200);
    expect(refused.body.data?.publishLiveRankings ?? null).toBeNull();
    expect(refused.body.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access publishLiveRankings on type Mutation',
    });

    const accepted = await withIam(stack.endpoints.graphqlUrl, iam(), PUBLISH, { input: snapshot });
    expect(accepted.body.errors).toBeUndefined();
    expect(accepted.body.data?.publishLiveRankings).toMatchObject({ classId: 1, raceId: 100 });
  });
});

describe('the local IAM principal', () => {
  it("is the stack's own random key pair; the old public constant local/local is refused", async () => {
    expect(stack.endpoints.credentials.accessKeyId).toMatch(/^LOCAL[A-Z2-7]{15}$/);
    expect(stack.endpoints.credentials.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    const constant = await withIam(
      stack.endpoints.graphqlUrl,
      { accessKeyId: 'local', secretAccessKey: 'local', region: stack.endpoints.region },
      PUBLISH,
      { input: snapshot },
    );
    expect(constant.status).toBe(401);
    expect(constant.body.errors?.[0]?.errorType).toBe('UnrecognizedClientException');
    const emulators = await withIam(
      stack.endpoints.graphqlUrl,
      { ...EMULATOR_CREDENTIALS, region: 'us-east-1' },
      PUBLISH,
      {
        input: snapshot,
      },
    );
    expect(emulators.status).toBe(401);
  });

  it('and the API key are in files only the user can read', () => {
    const stateDir = path.dirname(stack.endpointsFile);
    expect(fs.statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(stack.endpointsFile).mode & 0o777).toBe(0o600);
    const written = JSON.parse(fs.readFileSync(stack.endpointsFile, 'utf8')) as typeof stack.endpoints;
    expect(written.credentials).toEqual(stack.endpoints.credentials);
  });
});

describe('SigV4 requests', () => {
  it('with a wrong secret are refused as an invalid signature', async () => {
    const reply = await withIam(stack.endpoints.graphqlUrl, { ...iam(), secretAccessKey: 'not-the-secret' }, PUBLISH, {
      input: snapshot,
    });
    expect(reply.status).toBe(403);
    expect(reply.body.errors?.[0]?.errorType).toBe('InvalidSignatureException');
  });

  it('with a stale date are refused as expired', async () => {
    const reply = await withIam(
      stack.endpoints.graphqlUrl,
      { ...iam(), signingDate: new Date(Date.now() - 20 * 60_000) },
      PUBLISH,
      { input: snapshot },
    );
    expect(reply.status).toBe(403);
    expect(reply.body.errors?.[0]).toMatchObject({
      errorType: 'InvalidSignatureException',
      message: expect.stringContaining('Signature expired'),
    });
  });

  it('from an unknown access key are refused', async () => {
    const reply = await withIam(stack.endpoints.graphqlUrl, { ...iam(), accessKeyId: 'AKIDUNKNOWN' }, PUBLISH, {
      input: snapshot,
    });
    expect(reply.status).toBe(401);
    expect(reply.body.errors?.[0]?.errorType).toBe('UnrecognizedClientException');
  });

  it('whose body was changed after signing are refused', async () => {
    const body = JSON.stringify({ query: PUBLISH, variables: { input: snapshot } });
    const headers = await sigV4Headers(stack.endpoints.graphqlUrl, body, iam());
    const tampered = body.replace('"output":12.5', '"output":2999');
    const reply = await postRaw(stack.endpoints.graphqlUrl, tampered, headers);
    expect(reply.status).toBe(403);
    expect(reply.body.errors?.[0]?.errorType).toBe('InvalidSignatureException');
  });
});

describe('API keys over HTTP', () => {
  it('refuse a wrong key and a missing key with 401', async () => {
    const wrong = await withApiKey(stack.endpoints.graphqlUrl, 'da2-notthekey', '{ raceClasses { classId } }');
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0]).toMatchObject({ errorType: 'UnauthorizedException' });
    const none = await postRaw(
      stack.endpoints.graphqlUrl,
      JSON.stringify({ query: '{ raceClasses { classId } }' }),
      {},
    );
    expect(none.status).toBe(401);
    expect(none.body.errors?.[0]).toMatchObject({
      errorType: 'UnauthorizedException',
      message: 'Valid authorization header not provided.',
    });
  });
});

describe('input bounds', () => {
  const url = () => stack.endpoints.graphqlUrl;
  const key = () => stack.endpoints.apiKey;

  it('page sizes outside 1..1000 are ValidationErrors naming the field', async () => {
    for (const limit of [0, -1, 1001]) {
      const reply = await withApiKey(url(), key(), RACE_RESULTS, { limit });
      expect(reply.body.errors?.[0]).toMatchObject({
        errorType: 'ValidationError',
        message: 'limit must be an integer 1..1000',
      });
    }
  });

  it('over-long and badly formed strings are refused with the field named', async () => {
    const reply = await withApiKey(url(), key(), 'query Q($id: ID!) { racer(racerId: $id) { racerId } }', {
      id: 'x'.repeat(65),
    });
    expect(reply.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringMatching(/^racerId /),
    });
    const injected = await withApiKey(url(), key(), 'query Q($id: ID!) { racer(racerId: $id) { racerId } }', {
      id: 'RACER#1" OR 1=1',
    });
    expect(injected.body.errors?.[0]).toMatchObject({ errorType: 'ValidationError' });
  });

  /** An ID token of a rider signed up in the stack's pool. */
  const riderToken = async (racerId: string): Promise<string> => {
    const accounts = riderAccounts(stack.endpoints.cognito, { ...stack.endpoints.credentials });
    try {
      return await accounts.idToken(racerId, 'Bound Tester');
    } finally {
      accounts.destroy();
    }
  };
  const withToken = (token: string, query: string, variables: Record<string, unknown>) =>
    postRaw(url(), JSON.stringify({ query, variables }), { authorization: token });

  it('a telemetry call above 500 records is refused before anything reaches Kinesis', async () => {
    const record = {
      raceId: 1,
      classId: 1,
      racerId: 'r',
      second: 1,
      power: 100,
      output: 1,
      event: 'update',
      deviceTimestamp: 1,
    };
    const reply = await withToken(
      await riderToken('r'),
      'mutation T($r: [TelemetryInput!]!) { recordTelemetry(records: $r) { accepted } }',
      { r: Array.from({ length: 501 }, () => record) },
    );
    expect(reply.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: 'records must hold 1..500 records',
    });
  });

  it('each telemetry field is checked against its bound, naming the record and field', async () => {
    const raceSeconds = stack.endpoints.raceSeconds;
    // The rider joins a race in its first seconds: the last call is accepted.
    const { raceId } = await untilJoinable(raceSeconds, 1);
    const good = {
      raceId,
      classId: 1,
      racerId: 'rider-1',
      second: 1,
      power: 100,
      output: 1,
      event: 'update',
      deviceTimestamp: Date.now(),
    };
    const mutation = 'mutation T($r: [TelemetryInput!]!) { recordTelemetry(records: $r) { accepted } }';
    const token = await riderToken('rider-1');
    // A racerId that is not the rider's (too long, or another rider's) is refused before any bound.
    const cases: [Record<string, unknown>, string, string][] = [
      [{ racerId: 'r'.repeat(65) }, 'records[1].racerId', 'Unauthorized'],
      [{ power: 3001 }, 'records[1].power', 'ValidationError'],
      [{ classId: 99 }, 'records[1].classId', 'ValidationError'],
      [{ output: 1_000_000 }, 'records[1].output', 'ValidationError'],
    ];
    for (const [patch, field, errorType] of cases) {
      const reply = await withToken(token, mutation, { r: [good, { ...good, ...patch }] });
      expect(reply.body.errors?.[0], field).toMatchObject({
        errorType,
        message: expect.stringMatching(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')} `)),
      });
    }
    // An over-long name in the input cannot fail or reach the boards: the profile's name is used.
    const named = await withToken(token, mutation, { r: [{ ...good, name: 'n'.repeat(41) }] });
    expect(named.body).toEqual({ data: { recordTelemetry: { accepted: 1 } } });
  }, 120_000);

  it('non-finite numbers never reach a resolver', async () => {
    // JSON has no Infinity; 1e400 parses to it, and GraphQL's Float refuses it.
    const body = `{"query":"mutation P($input: LiveRankingsInput!) { publishLiveRankings(input: $input) { classId } }","variables":{"input":{"classId":1,"raceId":1,"entries":[{"rank":1,"racerId":"a","output":1e400,"second":1}]}}}`;
    const reply = await postRaw(url(), body, await sigV4Headers(url(), body, iam()));
    expect(reply.body.data ?? null).toBeNull();
    expect(reply.body.errors?.[0]?.message).toMatch(/output/);
  });
});

describe('garbage over HTTP', () => {
  const url = () => stack.endpoints.graphqlUrl;

  it.each([
    ['not JSON', '{"query": '],
    ['JSON without a query', '{"variables": {}}'],
    ['a JSON array', '[1,2,3]'],
  ])('%s gets a clean 400', async (_case, body) => {
    const reply = await postRaw(url(), body, { 'x-api-key': stack.endpoints.apiKey });
    expect(reply.status).toBe(400);
    expect(reply.body.errors?.[0]?.errorType).toBe('MalformedHttpRequestException');
  });

  it('an unparsable or unknown GraphQL document gets GraphQL errors, not a crash', async () => {
    const syntax = await withApiKey(url(), stack.endpoints.apiKey, 'query { raceClasses { ');
    expect(syntax.body).toEqual({
      errors: [
        {
          errorType: 'InvalidSyntax',
          message: 'Syntax Error: Expected Name, found <EOF>.',
          locations: [{ line: 1, column: 23, sourceName: null }],
          path: null,
        },
      ],
    });
    const unknown = await withApiKey(url(), stack.endpoints.apiKey, '{ adminSecrets { password } }');
    expect(unknown.body.errors?.[0]?.message).toMatch(/adminSecrets/);
  });

  it('a body above 1 MB is refused with 413, and the server still answers afterwards', async () => {
    const huge = JSON.stringify({ query: `{ raceClasses { classId } } #${'x'.repeat(1_100_000)}` });
    const reply = await postRaw(url(), huge, { 'x-api-key': stack.endpoints.apiKey });
    expect(reply.status).toBe(413);
    const after = await withApiKey(url(), stack.endpoints.apiKey, '{ raceClasses { classId } }');
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ data: { raceClasses: RACE_CLASSES.map((c) => ({ classId: c.classId })) } });
  });
});

describe('the real-time endpoint', () => {
  const host = () => new URL(stack.endpoints.graphqlUrl).host;

  it('refuses a wrong API key at connection_init with connection_error 401 and closes', async () => {
    const client = await openRealtime(stack.endpoints.realtimeUrl, { host: host(), 'x-api-key': 'da2-wrong' });
    client.send(JSON.stringify({ type: 'connection_init' }));
    const error = await client.next((f) => f.type === 'connection_error');
    expect(error.payload?.errors?.[0]).toMatchObject({ errorType: 'UnauthorizedException', errorCode: 401 });
    await client.closed;
  });

  it('refuses a start whose own authorization is wrong, and keeps the connection for valid ones', async () => {
    const client = await openRealtime(stack.endpoints.realtimeUrl, {
      host: host(),
      'x-api-key': stack.endpoints.apiKey,
    });
    client.send(JSON.stringify({ type: 'connection_init' }));
    await client.next((f) => f.type === 'connection_ack');
    client.send(startFrame('bad-1', { host: host(), 'x-api-key': 'da2-wrong' }));
    const refused = await client.next((f) => f.type === 'error' && f.id === 'bad-1');
    expect(refused.payload?.errors?.[0]?.errorType).toBe('UnauthorizedException');
    client.send(startFrame('good-1', { host: host(), 'x-api-key': stack.endpoints.apiKey }));
    await client.next((f) => f.type === 'start_ack' && f.id === 'good-1');
    client.close();
  });

  it("takes a rider's user-pool token in the header object; onLiveRankings stays for the API key and IAM", async () => {
    const accounts = riderAccounts(stack.endpoints.cognito, { ...stack.endpoints.credentials });
    const token = await accounts.idToken('rt-rider', 'Real Time');
    accounts.destroy();
    const client = await openRealtime(stack.endpoints.realtimeUrl, { Authorization: token, host: host() });
    client.send(JSON.stringify({ type: 'connection_init' }));
    await client.next((f) => f.type === 'connection_ack');
    client.send(startFrame('rider-1', { Authorization: token, host: host() }));
    const refused = await client.next((f) => f.type === 'error' && f.id === 'rider-1');
    expect(refused.payload?.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access onLiveRankings on type Subscription',
    });
    client.close();
    // A forged token (another signature) does not even connect.
    const [header = '', payload = ''] = token.split('.');
    const forged = await openRealtime(stack.endpoints.realtimeUrl, {
      Authorization: `${header}.${payload}.${'A'.repeat(342)}`,
      host: host(),
    });
    forged.send(JSON.stringify({ type: 'connection_init' }));
    const error = await forged.next((f) => f.type === 'connection_error');
    expect(error.payload?.errors?.[0]).toMatchObject({ errorType: 'UnauthorizedException', errorCode: 401 });
    await forged.closed;
  });

  it('answers garbage frames with errors and keeps serving', async () => {
    const client = await openRealtime(stack.endpoints.realtimeUrl, {
      host: host(),
      'x-api-key': stack.endpoints.apiKey,
    });
    client.send(JSON.stringify({ type: 'connection_init' }));
    await client.next((f) => f.type === 'connection_ack');
    client.send('this is not json');
    client.send(JSON.stringify({ type: 'launch_missiles' }));
    client.send(
      JSON.stringify({
        id: 'x',
        type: 'start',
        payload: {
          data: '{not json',
          extensions: { authorization: { host: host(), 'x-api-key': stack.endpoints.apiKey } },
        },
      }),
    );
    client.send(
      JSON.stringify({
        id: 'y',
        type: 'start',
        payload: {
          data: JSON.stringify({ query: 'subscription { nope }' }),
          extensions: { authorization: { host: host(), 'x-api-key': stack.endpoints.apiKey } },
        },
      }),
    );
    await client.next((f) => f.type === 'error' && f.id === 'y');
    const unsupported = {
      type: 'error',
      payload: {
        errors: [{ errorType: 'UnsupportedOperation', message: 'unknown not supported through the realtime channel' }],
      },
    };
    // The unparsable frame and the unknown type are refused alike; each bad start is refused by its id.
    expect(client.frames.filter((f) => f.type === 'error')).toEqual([
      unsupported,
      unsupported,
      {
        id: 'x',
        type: 'error',
        payload: {
          errors: [
            {
              errorType: 'BadRequestException',
              message: "payload.data is not JSON: Expected property name or '}' in JSON at position 1",
            },
          ],
        },
      },
      {
        id: 'y',
        type: 'error',
        payload: {
          errors: [{ errorType: 'ValidationError', message: 'Cannot query field "nope" on type "Subscription".' }],
        },
      },
    ]);
    // The same connection still subscribes.
    client.send(startFrame('ok', { host: host(), 'x-api-key': stack.endpoints.apiKey }));
    await client.next((f) => f.type === 'start_ack' && f.id === 'ok');
    client.close();
  });

  it('refuses a handshake without the graphql-ws subprotocol', async () => {
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(stack.endpoints.realtimeUrl);
    const outcome = await new Promise<string>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      socket.once('error', (e) => resolve(`error ${e.message}`));
    });
    expect(outcome).toBe('http 400');
    socket.terminate();
  });
});

describe('listening sockets', () => {
  it('are all bound to 127.0.0.1 (the stack over HTTP and HTTPS, DynamoDB Local, kinesalite and cognito-local)', () => {
    const pids = [process.pid, stack.pids.dynamodb, stack.pids.kinesis, stack.pids.cognito].filter(
      (p): p is number => p !== undefined,
    );
    const lines = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => pids.some((pid) => line.includes(`pid=${pid},`)));
    const ports = [
      stack.endpoints.graphqlUrl,
      stack.endpoints.tls.graphqlUrl,
      stack.endpoints.dynamodb.endpoint,
      stack.endpoints.kinesis.endpoint,
      stack.endpoints.cognito.endpoint,
    ].map((u) => new URL(u).port);
    for (const port of ports) expect(lines.some((l) => l.includes(`:${port} `))).toBe(true);
    for (const line of lines) {
      const local = line.trim().split(/\s+/)[3] ?? '';
      expect(local, line).toMatch(/^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):\d+$/);
    }
  });
});
