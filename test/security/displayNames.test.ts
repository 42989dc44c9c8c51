/**
 * Display names with control, bidirectional or invisible format characters,
 * or unpaired surrogates, on the real local stack: recordTelemetry refuses
 * them (ValidationError naming the field) and the pipeline drops records that
 * carry them when they come straight through Kinesis.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raceIdAt } from '../../core/raceClock.js';
import { localKinesis } from '../../local/stack/clients.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { BAD_NAMES } from '../support/badNames.js';
import { startTestStack } from '../support/testStack.js';
import { eventually } from '../stack/support/eventually.js';
import { withApiKey, type GraphqlReply } from './support/clients.js';

const RACE_SECONDS = 600;
const CLASS_ID = 5;

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ raceSeconds: RACE_SECONDS, windowSeconds: 1 });
});
afterAll(async () => {
  await stack?.stop();
});

function telemetry(racerId: string, second: number, name?: string): Record<string, unknown> {
  return {
    raceId: raceIdAt(Date.now(), RACE_SECONDS),
    classId: CLASS_ID,
    racerId,
    ...(name === undefined ? {} : { name }),
    second,
    power: 200,
    output: second,
    event: 'update',
    deviceTimestamp: Date.now(),
  };
}

/**
 * recordTelemetry as a rider calls it. The one place that knows the call's
 * authorization: switch it here when riders sign in (Cognito user pools).
 */
function recordTelemetry(records: Record<string, unknown>[]): Promise<GraphqlReply> {
  return withApiKey(
    stack.endpoints.graphqlUrl,
    stack.endpoints.apiKey,
    'mutation T($r: [TelemetryInput!]!) { recordTelemetry(records: $r) { accepted } }',
    { r: records },
  );
}

describe('recordTelemetry', () => {
  it.each(BAD_NAMES)('refuses a name with a %s, naming the field', async (_label, name) => {
    const reply = await recordTelemetry([telemetry('names-good', 1, 'Anna'), telemetry('names-bad', 1, name)]);
    expect(reply.body.data?.recordTelemetry ?? null).toBeNull();
    expect(reply.body.errors?.[0]).toMatchObject({
      errorType: 'ValidationError',
      message: expect.stringMatching(/^records\[1\]\.name must not contain/),
    });
  });

  it('accepts names in other scripts and with emoji sequences, counted in code points', async () => {
    const reply = await recordTelemetry([
      telemetry('names-zoe', 1, 'Zoë 🚴\u200D\u2640\uFE0F'),
      telemetry('names-maria', 1, 'Мария'),
      telemetry('names-40', 1, '🚴'.repeat(40)),
    ]);
    expect(reply.body.errors).toBeUndefined();
    expect(reply.body.data?.recordTelemetry).toEqual({ accepted: 3 });
    const tooLong = await recordTelemetry([telemetry('names-41', 1, '🚴'.repeat(41))]);
    expect(tooLong.body.errors?.[0]?.message).toBe('records[0].name must be 1..40 characters');
  });
});

describe('the pipeline, fed straight through Kinesis', () => {
  it('drops every record whose name is refused and keeps the rider’s valid records', async () => {
    const kinesis = localKinesis(stack.endpoints.kinesis.endpoint);
    try {
      // Per rider (one partition key, so one shard, in order): the bad-named record at second 9,
      // then a valid one without a name at second 5. Had the first been kept, its newer second
      // (and its name) would be the rider's entry.
      const values = BAD_NAMES.flatMap(([, name], i) => [
        telemetry(`kin-bad-${i}`, 9, name),
        telemetry(`kin-bad-${i}`, 5),
      ]);
      values.push(telemetry('kin-good', 9, 'Anna'));
      const put = await kinesis.send(
        new PutRecordsCommand({
          StreamName: stack.endpoints.kinesis.streamName,
          Records: values.map((v) => ({
            PartitionKey: v['racerId'] as string,
            Data: Buffer.from(JSON.stringify(v), 'utf8'),
          })),
        }),
      );
      expect(put.FailedRecordCount ?? 0).toBe(0);
      type Entry = { racerId: string; name: string | null; second: number };
      let seen: Entry[] = [];
      const entries = await eventually(
        async () => {
          const reply = await withApiKey(
            stack.endpoints.graphqlUrl,
            stack.endpoints.apiKey,
            'query L($c: Int!) { liveRankings(classId: $c) { entries { racerId name second } } }',
            { c: CLASS_ID },
          );
          const live = reply.body.data?.liveRankings as { entries: Entry[] } | null | undefined;
          seen = live?.entries.filter((e) => e.racerId.startsWith('kin-')) ?? [];
          return seen.length === BAD_NAMES.length + 1 ? seen : undefined;
        },
        Date.now() + 30_000,
        'every rider of the Kinesis records on the live board',
        () => seen,
      );
      expect(entries.find((e) => e.racerId === 'kin-good')).toMatchObject({ name: 'Anna', second: 9 });
      for (const entry of entries.filter((e) => e.racerId !== 'kin-good'))
        expect(entry, entry.racerId).toMatchObject({ name: null, second: 5 });
    } finally {
      kinesis.destroy();
    }
  });
});
