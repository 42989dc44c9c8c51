/**
 * recordTelemetry over the local AppSync runtime, its HTTP data source,
 * kinesalite and the local user pool: only a signed-in rider writes, only
 * their own records, under their profile name; valid records land on the
 * stream (one PutRecords, partition key = racerId, data = the record's JSON);
 * any invalid record stops the call with a ValidationError naming index and
 * field, and nothing is sent. Adversaries: a rider posting as another rider
 * or under a name of their choosing, the public API key, a careless client.
 * A rider a full race did not admit stops the call with a RaceFullError;
 * one a race past its join deadline did not admit, with a LateJoinError.
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
import { type Api, clockInRace, createApi, putItems, RACE_SECONDS, raceAt, rider } from './api.js';

const NOW = clockInRace(45);
const CURRENT = raceAt(NOW);
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

describe('recordTelemetry: who may write', () => {
  it('refuses the API key and IAM: writes need a signed-in rider', async () => {
    const byKey = await api.call(RecordTelemetryDocument, { records: [record('anyone')] });
    const byIam = await api.callIam(RecordTelemetryDocument, { records: [record('anyone')] });
    for (const { data, errors } of [byKey, byIam]) {
      expect(data).toBeNull();
      expect(errors).toMatchObject([
        { errorType: 'Unauthorized', message: 'Not Authorized to access recordTelemetry on type Mutation' },
      ]);
    }
    expect(await streamRecords()).toEqual([]);
  });

  it("refuses a rider's call that holds another rider's record, naming it, and sends nothing", async () => {
    const me = rider('me');
    const token = await api.riders.idToken(me, 'Me Myself');
    const records = [record(me), record(me, { second: 46, output: 11 }), record('someone-else')];
    const { data, errors } = await api.callWithToken(token, RecordTelemetryDocument, { records });
    expect(data).toBeNull();
    expect(errors).toMatchObject([
      {
        errorType: 'Unauthorized',
        message: `records[2].racerId is not the signed-in rider (${me})`,
        errorInfo: { index: 2, field: 'racerId' },
        path: ['recordTelemetry'],
      },
    ]);
    expect(await streamRecords()).toEqual([]);
  });

  it('refuses a token whose username is not a valid racerId', async () => {
    const token = await api.riders.idToken('has space', 'Spacey');
    const { errors } = await api.callWithToken(token, RecordTelemetryDocument, { records: [record('has space')] });
    expect(errors).toMatchObject([
      { errorType: 'Unauthorized', message: 'the signed-in username is not a valid racerId (^[A-Za-z0-9_-]{1,64}$)' },
    ]);
    expect(await streamRecords()).toEqual([]);
  });

  it('the name on the stream is the profile name, whatever the input says; an access token sends none', async () => {
    const me = rider('named');
    const tokens = await api.riders.signIn(me, 'Ana Pedal');
    const byId = await api.callWithToken(tokens.idToken, RecordTelemetryDocument, {
      records: [record(me, { name: 'Lance A.' }), record(me, { second: 46, output: 11 })],
    });
    expect(byId.errors).toEqual([]);
    // The access token carries no profile: the record goes without a name rather than with the input's.
    const byAccess = await api.callWithToken(tokens.accessToken, RecordTelemetryDocument, {
      records: [record(me, { second: 47, output: 12, name: 'Lance A.' })],
    });
    expect(byAccess.errors).toEqual([]);
    const mine = (await streamRecords()).filter((r) => r.partitionKey === me).map((r) => r.data);
    expect(mine).toEqual([
      { ...record(me), name: 'Ana Pedal' },
      { ...record(me, { second: 46, output: 11 }), name: 'Ana Pedal' },
      record(me, { second: 47, output: 12 }),
    ]);
  });
});

describe('recordTelemetry: what a rider may write', () => {
  const me = rider('v');
  let token: string;
  const call = (records: TelemetryInput[]) => api.callWithToken(token, RecordTelemetryDocument, { records });
  beforeAll(async () => {
    token = await api.riders.idToken(me, 'Val Idator');
  });

  it('refuses a batch with an invalid record, naming its index and field, and sends nothing', async () => {
    const records = [
      record(me, { second: 41, output: 1 }),
      record(me, { second: 42, output: 2 }),
      record(me, { resistance: 140 }),
      record(me, { power: -5 }),
    ];
    const { data, errors } = await call(records);
    expect(data).toBeNull();
    expect(errors).toMatchObject([
      {
        errorType: 'ValidationError',
        message: 'records[2].resistance must be a number 0..100',
        errorInfo: { index: 2, field: 'resistance' },
        path: ['recordTelemetry'],
      },
    ]);
    expect((await streamRecords()).filter((r) => r.partitionKey === me)).toEqual([]);
  });

  it.each([
    [
      { raceId: CURRENT + 1 },
      'raceId',
      `records[0].raceId must be the current race (${CURRENT}) or the one just ended`,
    ],
    [{ classId: 7 }, 'classId', 'records[0].classId must be a class of the catalog'],
    [{ second: 301 }, 'second', 'records[0].second must be an integer 0..300'],
    [{ output: 200 }, 'output', 'records[0].output must be at most 3 kJ per elapsed second'],
    [
      { deviceTimestamp: 1.5 },
      'deviceTimestamp',
      'records[0].deviceTimestamp must be an integer number of epoch milliseconds',
    ],
  ])('refuses %j', async (over, field, message) => {
    const { errors } = await call([record(me, over)]);
    expect(errors).toMatchObject([{ errorType: 'ValidationError', message, errorInfo: { index: 0, field } }]);
  });

  it('refuses an empty batch and one of more than 500 records', async () => {
    const none = await call([]);
    expect(none.errors).toMatchObject([{ errorType: 'ValidationError', message: 'records must hold 1..500 records' }]);
    const many = await call(Array.from({ length: 501 }, () => record(me)));
    expect(many.errors).toMatchObject([{ errorType: 'ValidationError', message: 'records must hold 1..500 records' }]);
    expect((await streamRecords()).filter((r) => r.partitionKey === me)).toEqual([]);
  });

  it('puts valid records on the stream in one call, keyed by racerId', async () => {
    const steady = rider('steady');
    // Steady rode the race that just ended from its start: that race admitted them.
    await putItems(api, [
      {
        ...raceAdmissionKey(3, CURRENT - 1),
        itemType: 'RaceAdmission',
        classId: 3,
        raceId: CURRENT - 1,
        admitted: 1,
        cap: 50,
      },
      {
        ...admittedRiderKey(3, CURRENT - 1, steady),
        itemType: 'AdmittedRider',
        classId: 3,
        raceId: CURRENT - 1,
        racerIds: new Set([steady]),
      },
    ]);
    const records = [
      ...Array.from({ length: 40 }, (_, i) => record(steady, { second: 5 + i, output: i })),
      // The race just ended is still accepted from a rider it admitted (late records), as is a final record.
      record(steady, { raceId: CURRENT - 1, second: RACE_SECONDS, output: 600, event: 'final' }),
    ];
    const { data, errors } = await api.callWithToken(
      await api.riders.idToken(steady, 'Steady Eddie'),
      RecordTelemetryDocument,
      { records },
    );
    expect(errors).toEqual([]);
    const receipt = data?.recordTelemetry;
    expect(receipt?.accepted).toBe(41);
    expect(receipt?.failed).toBe(0);
    expect(receipt?.records.map((r) => r.index)).toEqual(records.map((_, i) => i));
    const onStream = (await streamRecords()).filter((r) => r.partitionKey === steady);
    expect(onStream).toHaveLength(41);
    const bySequence = new Map(onStream.map((r) => [r.sequenceNumber, r]));
    receipt?.records.forEach((r, i) => {
      expect(r.errorCode).toBeNull();
      const found = bySequence.get(r.sequenceNumber ?? '');
      expect(found?.shardId).toBe(r.shardId);
      expect(found?.data).toEqual({ ...records[i], name: 'Steady Eddie' });
    });
  });

  it('reports a missing stream as a Kinesis error', async () => {
    const other = await createApi({
      ddbEndpoint: inject('dynamodbEndpoint'),
      kinesisEndpoint: inject('kinesisEndpoint'),
      streamName: 'no-such-stream',
      now: NOW,
    });
    const { data, errors } = await other.callWithToken(
      await other.riders.idToken(me, 'Val Idator'),
      RecordTelemetryDocument,
      { records: [record(me)] },
    );
    other.destroy();
    expect(data).toBeNull();
    expect(errors).toMatchObject([{ errorType: 'Kinesis:ResourceNotFoundException', path: ['recordTelemetry'] }]);
  });
});

describe('recordTelemetry and a full race', () => {
  it('refuses a rider the full race did not admit, naming the class and the cap, and sends nothing', async () => {
    const admitted = rider('in');
    const out = rider('out');
    await putItems(api, [
      { ...raceAdmissionKey(5, CURRENT), itemType: 'RaceAdmission', classId: 5, raceId: CURRENT, admitted: 3, cap: 3 },
      {
        ...admittedRiderKey(5, CURRENT, admitted),
        itemType: 'AdmittedRider',
        classId: 5,
        raceId: CURRENT,
        racerIds: new Set([admitted]),
      },
    ]);
    const before = (await streamRecords()).length;
    const token = await api.riders.idToken(out, 'Out Rider');
    const { data, errors } = await api.callWithToken(token, RecordTelemetryDocument, {
      records: [record(out, { classId: 4 }), record(out, { classId: 5 })],
    });
    expect(data).toBeNull();
    expect(errors).toMatchObject([
      {
        errorType: 'RaceFullError',
        message: `class 5 race ${CURRENT} is full: it admits at most 3 riders, and rider ${out} is not one of them`,
        errorInfo: { index: 1, classId: 5, raceId: CURRENT, cap: 3, racerId: out },
        path: ['recordTelemetry'],
      },
    ]);
    expect((await streamRecords()).length).toBe(before);

    const inToken = await api.riders.idToken(admitted, 'In Rider');
    const mine = await api.callWithToken(inToken, RecordTelemetryDocument, {
      records: [record(admitted, { classId: 5 })],
    });
    expect(mine.errors).toEqual([]);
    expect(mine.data?.recordTelemetry).toMatchObject({ accepted: 1, failed: 0 });
  });

  it('lets every rider of a race with room through', async () => {
    await putItems(api, [
      { ...raceAdmissionKey(6, CURRENT), itemType: 'RaceAdmission', classId: 6, raceId: CURRENT, admitted: 2, cap: 3 },
    ]);
    const newcomer = rider('newcomer');
    const token = await api.riders.idToken(newcomer, 'New Comer');
    const { data, errors } = await api.callWithToken(token, RecordTelemetryDocument, {
      records: [record(newcomer, { classId: 6 })],
    });
    expect(errors).toEqual([]);
    expect(data?.recordTelemetry).toMatchObject({ accepted: 1, failed: 0 });
  });
});

describe('recordTelemetry and a race past its join deadline', () => {
  // A minute into the race: past the join cutoff (second 33 of a 300 s race) and the admission's settling time.
  const LATER = (CURRENT * RACE_SECONDS + 60) * 1000;
  let later: Api;
  beforeAll(async () => {
    later = await createApi({
      ddbEndpoint: inject('dynamodbEndpoint'),
      kinesisEndpoint: inject('kinesisEndpoint'),
      streamName,
      now: LATER,
    });
  });
  afterAll(() => later?.destroy());
  const at60 = (racerId: string, over: Partial<TelemetryInput> = {}) =>
    record(racerId, { second: 60, output: 14.4, deviceTimestamp: LATER - 20, ...over });

  it('refuses a rider the race did not admit, naming the deadline and the next race, and sends nothing', async () => {
    const admitted = rider('early');
    await later.riders.idToken(admitted, 'Early Rider');
    await putItems(later, [
      { ...raceAdmissionKey(1, CURRENT), itemType: 'RaceAdmission', classId: 1, raceId: CURRENT, admitted: 1, cap: 50 },
      {
        ...admittedRiderKey(1, CURRENT, admitted),
        itemType: 'AdmittedRider',
        classId: 1,
        raceId: CURRENT,
        racerIds: new Set([admitted]),
      },
    ]);
    const before = (await streamRecords()).length;
    const late = rider('late');
    const token = await later.riders.idToken(late, 'Late Rider');
    // In a race that admitted others, and in one that admitted nobody (no counter at all).
    for (const classId of [1, 2]) {
      const { data, errors } = await later.callWithToken(token, RecordTelemetryDocument, {
        records: [at60(late, { classId })],
      });
      expect(data).toBeNull();
      expect(errors).toMatchObject([
        {
          errorType: 'LateJoinError',
          message:
            `class ${classId} race ${CURRENT} takes new riders in its first 30 seconds only, and rider ${late} ` +
            `did not join it in time: ride the next race (${CURRENT + 1}), which starts at ` +
            new Date((CURRENT + 1) * RACE_SECONDS * 1000).toISOString(),
          errorInfo: { index: 0, classId, raceId: CURRENT, racerId: late, joinDeadline: 30, nextRaceId: CURRENT + 1 },
          path: ['recordTelemetry'],
        },
      ]);
    }
    // A claim to have ridden from the start changes nothing: the judge is the time the call arrives.
    const forged = await later.callWithToken(token, RecordTelemetryDocument, {
      records: [
        at60(late, { classId: 1, second: 5, output: 1.2, deviceTimestamp: CURRENT * RACE_SECONDS * 1000 + 5000 }),
      ],
    });
    expect(forged.errors).toMatchObject([{ errorType: 'LateJoinError' }]);
    expect((await streamRecords()).length).toBe(before);

    // The rider the race admitted rides on.
    const mine = await later.callWithToken(
      await later.riders.idToken(admitted, 'Early Rider'),
      RecordTelemetryDocument,
      {
        records: [at60(admitted, { classId: 1 })],
      },
    );
    expect(mine.errors).toEqual([]);
    expect(mine.data?.recordTelemetry).toMatchObject({ accepted: 1, failed: 0 });
  });
});
