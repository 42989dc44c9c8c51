/**
 * recordTelemetry over the local AppSync runtime, its HTTP data source and
 * kinesalite: valid records land on the stream (one PutRecords, partition key
 * = racerId, data = the record's JSON); any invalid record stops the call with
 * a ValidationError naming index and field, and nothing is sent; a rider a
 * full race did not admit stops it with a RaceFullError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { RecordTelemetryDocument, type TelemetryInput } from '../../client/generated/operations.js';
import { localKinesis } from '../../local/stack/clients.js';
import { createTestStream } from '../support/resources.js';
import { admittedRiderKey, raceAdmissionKey } from '../../core/keys.js';
import { createApi, putItems, RACE_SECONDS, type Api } from './api.js';

const NOW = (Math.floor(Date.now() / (RACE_SECONDS * 1000)) * RACE_SECONDS + 45) * 1000;
const CURRENT = Math.floor(NOW / (RACE_SECONDS * 1000));
let api: Api;
let kinesis: KinesisClient;
let streamName: string;

/** Every record on the stream, from the start of every shard. */
async function streamRecords(): Promise<
  Array<{ partitionKey: string; data: unknown; shardId: string; sequenceNumber: string }>
> {
  const shards =
    (await kinesis.send(new DescribeStreamCommand({ StreamName: streamName }))).StreamDescription?.Shards ?? [];
  const out: Array<{ partitionKey: string; data: unknown; shardId: string; sequenceNumber: string }> = [];
  for (const shard of shards) {
    const shardId = shard.ShardId ?? '';
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
      )
    ).ShardIterator;
    for (let reads = 0; iterator && reads < 5; reads += 1) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const r of page.Records ?? []) {
        out.push({
          partitionKey: r.PartitionKey ?? '',
          data: JSON.parse(Buffer.from(r.Data ?? new Uint8Array()).toString('utf8')),
          shardId,
          sequenceNumber: r.SequenceNumber ?? '',
        });
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

function record(racerId: string, over: Partial<TelemetryInput> = {}): TelemetryInput {
  return {
    raceId: CURRENT,
    classId: 3,
    racerId,
    second: 45,
    power: 240,
    cadence: 90,
    output: 10.8,
    event: 'update',
    deviceTimestamp: NOW - 20,
    ...over,
  };
}

beforeAll(async () => {
  const kinesisEndpoint = inject('kinesisEndpoint');
  streamName = (await createTestStream(kinesisEndpoint, 2)).streamName;
  api = await createApi({ ddbEndpoint: inject('dynamodbEndpoint'), kinesisEndpoint, streamName, now: NOW });
  kinesis = localKinesis(kinesisEndpoint);
});
afterAll(() => {
  api?.destroy();
  kinesis?.destroy();
});

describe('recordTelemetry', () => {
  it('refuses a batch with an invalid record, naming its index and field, and sends nothing', async () => {
    const records = [record('v1'), record('v2'), record('v3', { resistance: 140 }), record('v4', { power: -5 })];
    const { data, errors } = await api.call(RecordTelemetryDocument, { records });
    expect(data).toBeNull();
    expect(errors).toMatchObject([
      {
        errorType: 'ValidationError',
        message: 'records[2].resistance must be a number 0..100',
        errorInfo: { index: 2, field: 'resistance' },
        path: ['recordTelemetry'],
      },
    ]);
    expect(await streamRecords()).toEqual([]);
  });

  it.each([
    [
      { raceId: CURRENT + 1 },
      'raceId',
      `records[0].raceId must be the current race (${CURRENT}) or the one just ended`,
    ],
    [{ classId: 7 }, 'classId', 'records[0].classId must be a class of the catalog'],
    [{ racerId: 'has space' }, 'racerId', 'records[0].racerId must match ^[A-Za-z0-9_-]{1,64}$'],
    [{ name: '' }, 'name', 'records[0].name must be 1..40 characters'],
    [{ second: 301 }, 'second', 'records[0].second must be an integer 0..300'],
    [{ output: 200 }, 'output', 'records[0].output must be at most 3 kJ per elapsed second'],
    [
      { deviceTimestamp: 1.5 },
      'deviceTimestamp',
      'records[0].deviceTimestamp must be an integer number of epoch milliseconds',
    ],
  ])('refuses %j', async (over, field, message) => {
    const { errors } = await api.call(RecordTelemetryDocument, { records: [record('x', over)] });
    expect(errors).toMatchObject([{ errorType: 'ValidationError', message, errorInfo: { index: 0, field } }]);
  });

  it('refuses an empty batch and one of more than 500 records', async () => {
    const none = await api.call(RecordTelemetryDocument, { records: [] });
    expect(none.errors).toMatchObject([{ errorType: 'ValidationError', message: 'records must hold 1..500 records' }]);
    const many = await api.call(RecordTelemetryDocument, {
      records: Array.from({ length: 501 }, (_, i) => record(`m${i}`)),
    });
    expect(many.errors).toMatchObject([{ errorType: 'ValidationError', message: 'records must hold 1..500 records' }]);
    expect(await streamRecords()).toEqual([]);
  });

  it('puts valid records on the stream in one call, keyed by racerId', async () => {
    const records = [
      ...Array.from({ length: 40 }, (_, i) => record(`rider-${i}`, { second: 45, output: i })),
      // The race just ended is still accepted (late records), as is a final record with a name.
      record('late', { raceId: CURRENT - 1, second: RACE_SECONDS, output: 600, event: 'final', name: 'Late Lou' }),
    ];
    const { data, errors } = await api.call(RecordTelemetryDocument, { records });
    expect(errors).toEqual([]);
    const receipt = data?.recordTelemetry;
    expect(receipt?.accepted).toBe(41);
    expect(receipt?.failed).toBe(0);
    expect(receipt?.records.map((r) => r.index)).toEqual(records.map((_, i) => i));
    const onStream = await streamRecords();
    expect(onStream).toHaveLength(41);
    const bySequence = new Map(onStream.map((r) => [r.sequenceNumber, r]));
    receipt?.records.forEach((r, i) => {
      expect(r.errorCode).toBeNull();
      const found = bySequence.get(r.sequenceNumber ?? '');
      expect(found?.shardId).toBe(r.shardId);
      expect(found?.partitionKey).toBe(records[i]?.racerId);
      expect(found?.data).toEqual(records[i]);
    });
    // Two shards: 41 partition keys spread over both.
    expect(new Set(onStream.map((r) => r.shardId)).size).toBe(2);
  });

  it('reports a missing stream as a Kinesis error', async () => {
    const other = await createApi({
      ddbEndpoint: inject('dynamodbEndpoint'),
      kinesisEndpoint: inject('kinesisEndpoint'),
      streamName: 'no-such-stream',
      now: NOW,
    });
    const { data, errors } = await other.call(RecordTelemetryDocument, { records: [record('r')] });
    other.destroy();
    expect(data).toBeNull();
    expect(errors).toMatchObject([{ errorType: 'Kinesis:ResourceNotFoundException', path: ['recordTelemetry'] }]);
  });
});

describe('recordTelemetry and a full race', () => {
  it('refuses a rider the full race did not admit, naming the class and the cap, and sends nothing', async () => {
    const counter = raceAdmissionKey(5, CURRENT);
    await putItems(api, [
      { ...counter, itemType: 'RaceAdmission', classId: 5, raceId: CURRENT, admitted: 3, cap: 3 },
      {
        ...admittedRiderKey(5, CURRENT, 'in-1'),
        itemType: 'AdmittedRider',
        classId: 5,
        raceId: CURRENT,
        racerId: 'in-1',
      },
    ]);
    const before = (await streamRecords()).length;
    const { data, errors } = await api.call(RecordTelemetryDocument, {
      records: [record('in-1', { classId: 5 }), record('other-class', { classId: 4 }), record('out-1', { classId: 5 })],
    });
    expect(data).toBeNull();
    expect(errors).toMatchObject([
      {
        errorType: 'RaceFullError',
        message: `class 5 race ${CURRENT} is full: it admits at most 3 riders, and rider out-1 is not one of them`,
        errorInfo: { index: 2, classId: 5, raceId: CURRENT, cap: 3, racerId: 'out-1' },
        path: ['recordTelemetry'],
      },
    ]);
    expect((await streamRecords()).length).toBe(before);
  });

  it('lets an admitted rider of a full race, and every rider of a race with room, through', async () => {
    await putItems(api, [
      { ...raceAdmissionKey(6, CURRENT), itemType: 'RaceAdmission', classId: 6, raceId: CURRENT, admitted: 2, cap: 3 },
    ]);
    const { data, errors } = await api.call(RecordTelemetryDocument, {
      records: [record('in-1', { classId: 5 }), record('newcomer', { classId: 6 })],
    });
    expect(errors).toEqual([]);
    expect(data?.recordTelemetry).toMatchObject({ accepted: 2, failed: 0 });
  });
});
