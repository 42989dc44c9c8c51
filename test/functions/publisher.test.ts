import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPublisher, createSignedPoster } from '../../functions/aggregator/publishLiveRankings.js';
import { BANDS_PER_REQUEST, createBandPublisher } from '../../functions/aggregator/publishLiveBands.js';
import { toBands } from '../../core/liveBands.js';
import { fitBand } from '../../functions/aggregator/fitBand.js';
import { ADMISSION } from '../../infra/settings.js';
import type { FakeAppSync } from './support.js';
import { fakeAppSync, noSleep } from './support.js';

const input = {
  classId: 1,
  raceId: 9,
  updatedAt: '2026-11-23T00:00:00.000Z',
  entries: [{ rank: 1, racerId: 'a', name: null, output: 3, second: 2, flags: [] }],
};
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };

describe('publishLiveRankings over HTTP', () => {
  let appsync: FakeAppSync;
  beforeEach(async () => {
    appsync = await fakeAppSync();
  });
  afterEach(async () => appsync.close());

  it('signs the request with SigV4 for service appsync and sends the mutation', async () => {
    await createPublisher({ graphqlUrl: appsync.url, region: 'eu-west-1', credentials, sleep: noSleep })(input);
    expect(appsync.requests).toHaveLength(1);
    const { headers, body } = appsync.requests[0]!;
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/appsync\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(body.query).toContain('publishLiveRankings(input: $input)');
    expect(body.variables.input).toEqual(input);
  });

  it('retries a 5xx and succeeds', async () => {
    appsync.answers.push({ status: 503, body: { message: 'busy' } });
    await createPublisher({ graphqlUrl: appsync.url, region: 'us-east-1', credentials, sleep: noSleep })(input);
    expect(appsync.requests).toHaveLength(2);
  });

  it('treats a GraphQL errors response as a failure, without retrying it', async () => {
    appsync.answers.push({
      status: 200,
      body: { data: null, errors: [{ errorType: 'Unauthorized', message: 'Not Authorized' }] },
    });
    await expect(
      createPublisher({ graphqlUrl: appsync.url, region: 'us-east-1', credentials, sleep: noSleep })(input),
    ).rejects.toThrow('GraphQL errors: Unauthorized: Not Authorized');
    expect(appsync.requests).toHaveLength(1);
  });

  it('gives up after its attempts when the endpoint keeps failing', async () => {
    for (let i = 0; i < 3; i += 1) appsync.answers.push({ status: 500, body: {} });
    await expect(
      createPublisher({ graphqlUrl: appsync.url, region: 'us-east-1', credentials, sleep: noSleep, attempts: 3 })(
        input,
      ),
    ).rejects.toMatchObject({ name: 'RetriesExhaustedError', attempts: 3 });
  });
});

describe('SigV4 signing on node:crypto', () => {
  it('gives the same signature as the pure-JS SHA-256 for the same request and time', async () => {
    const { Sha256 } = await import('@aws-crypto/sha256-js');
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { HttpRequest } = await import('@smithy/protocol-http');
    const { NodeSha256 } = await import('../../functions/aggregator/nodeSha256.js');
    const host = 'example.appsync-api.eu-west-1.amazonaws.com';
    const body = JSON.stringify({
      query: 'mutation { x }',
      variables: { entries: Array.from({ length: 1000 }, (_, i) => ({ rank: i + 1, racerId: `r${i}` })) },
    });
    const request = () =>
      new HttpRequest({
        method: 'POST',
        protocol: 'https:',
        hostname: host,
        path: '/graphql',
        headers: { 'content-type': 'application/json', host },
        body,
      });
    const signingDate = new Date('2026-11-23T06:00:00Z');
    const sign = (sha256: typeof Sha256 | typeof NodeSha256) =>
      new SignatureV4({ service: 'appsync', region: 'eu-west-1', credentials, sha256 }).sign(request(), {
        signingDate,
      });
    const [theirs, ours] = await Promise.all([sign(Sha256), sign(NodeSha256)]);
    expect(ours.headers.authorization).toBe(theirs.headers.authorization);
    expect(ours.headers.authorization).toMatch(/Signature=[0-9a-f]{64}$/);
  });
});

describe('publishLiveBand requests of a board', () => {
  it('sends a board at the admission cap in requests that are all in flight together, every band once', async () => {
    const riders = ADMISSION.maxRidersPerRace;
    const requests = Math.ceil(riders / 50 / BANDS_PER_REQUEST);
    const appsync = await fakeAppSync({ holdUntil: requests });
    try {
      const entries = Array.from({ length: riders }, (_, i) => ({
        rank: i + 1,
        racerId: `r${i}`,
        name: null,
        output: riders - i,
        second: 60,
        flags: [],
      }));
      const bands = toBands(entries, { classId: 5, raceId: 9, updatedAt: '2026-11-23T00:00:00.000Z' }).map(fitBand);
      const post = createSignedPoster({ graphqlUrl: appsync.url, region: 'us-east-1', credentials, sleep: noSleep });
      await createBandPublisher(post)(bands);
      expect(bands).toHaveLength(riders / 50);
      expect(appsync.requests).toHaveLength(requests);
      expect(appsync.maxInFlight()).toBe(requests);
      const sent = appsync.requests.flatMap(
        (r) => Object.values(r.body.variables) as unknown as Array<{ band: number }>,
      );
      expect(sent.map((b) => b.band).sort((a, b) => a - b)).toEqual(bands.map((b) => b.band.band));
    } finally {
      await appsync.close();
    }
  });
});
