import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPublisher } from '../../functions/shared/publishLiveRankings.js';
import type { FakeAppSync } from './support.js';
import { fakeAppSync, noSleep } from './support.js';

const input = { classId: 1, raceId: 9, updatedAt: '2026-11-23T00:00:00.000Z', entries: [{ rank: 1, racerId: 'a', name: null, output: 3, second: 2 }] };
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
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/appsync\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
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
    appsync.answers.push({ status: 200, body: { data: null, errors: [{ errorType: 'Unauthorized', message: 'Not Authorized' }] } });
    await expect(createPublisher({ graphqlUrl: appsync.url, region: 'us-east-1', credentials, sleep: noSleep })(input)).rejects.toThrow(
      'GraphQL errors: Unauthorized: Not Authorized',
    );
    expect(appsync.requests).toHaveLength(1);
  });

  it('gives up after its attempts when the endpoint keeps failing', async () => {
    for (let i = 0; i < 3; i += 1) appsync.answers.push({ status: 500, body: {} });
    await expect(
      createPublisher({ graphqlUrl: appsync.url, region: 'us-east-1', credentials, sleep: noSleep, attempts: 3 })(input),
    ).rejects.toMatchObject({ name: 'RetriesExhaustedError', attempts: 3 });
  });
});
