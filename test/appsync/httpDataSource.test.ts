// The HTTP data source: SigV4-signed requests to kinesalite (service kinesis), ctx.result {statusCode, headers, body}.
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { createTestStream } from '../support/resources.js';
import { createTestRuntime, apiKeyHeaders } from './fixtures/testRuntime.js';
import { createHttpDataSource } from '../../local/appsync/datasources/http.js';
import { EMULATOR_CREDENTIALS } from '../../local/credentials.js';

let streamName: string;
beforeAll(async () => {
  streamName = (await createTestStream(inject('kinesisEndpoint'), 1)).streamName;
});

describe('HTTP data source', () => {
  it('puts a record on Kinesis through a resolver', async () => {
    const runtime = createTestRuntime({ kinesisEndpoint: inject('kinesisEndpoint'), streamName });
    const out = await runtime.execute({ query: 'mutation { putRecord(data: "{\\"a\\":1}") }', headers: apiKeyHeaders });
    expect(out.body).toEqual({ data: { putRecord: 'shardId-000000000000' } });
  });

  it('hands non-2xx answers to the response handler as ctx.result', async () => {
    const ds = createHttpDataSource({
      endpoint: inject('kinesisEndpoint'),
      region: 'us-east-1',
      service: 'kinesis',
      credentials: EMULATOR_CREDENTIALS,
    });
    const out = await ds.invoke({
      callerId: 'Mutation.x',
      request: {
        method: 'POST',
        resourcePath: '/',
        params: {
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecord' },
          body: { StreamName: 'does-not-exist', Data: 'AA==', PartitionKey: 'p' },
        },
      },
    });
    const result = out.result as { statusCode: number; headers: Record<string, string>; body: string };
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).__type).toBe('ResourceNotFoundException');
  });

  it('reports a connection failure as ctx.error', async () => {
    const ds = createHttpDataSource({
      endpoint: 'http://127.0.0.1:1',
      region: 'us-east-1',
      service: 'kinesis',
      credentials: EMULATOR_CREDENTIALS,
      timeoutMs: 2000,
    });
    const out = await ds.invoke({ callerId: 'x', request: { method: 'POST', resourcePath: '/', params: {} } });
    expect(out.error?.type).toBe('HTTP:ConnectionError');
  });
});
