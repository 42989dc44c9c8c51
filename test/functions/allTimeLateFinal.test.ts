/**
 * A `final` record that arrives after its race was closed is refused: a
 * closed race's results never change, so the all-time stats agree with the
 * results. The all-time consumer still handles a Result MODIFY (a result
 * replaced in place) exactly, whatever the delivery order, and stays so under
 * redeliveries. Against DynamoDB Local and its real stream.
 */
import { describe, expect, inject, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAllTime } from '../../functions/allTime/allTime.js';
import { createFinalizer, type ScheduledEvent } from '../../functions/finalizer/finalizer.js';
import { writeLivePart } from '../../functions/aggregator/livePartStore.js';
import { buildResultItem } from '../../core/resultItem.js';
import { allTimeKey, raceKey, rankKey, resultKey } from '../../core/keys.js';
import { raceEndMillis } from '../../core/raceClock.js';
import { createTestTable } from '../support/resources.js';
import { kinesisEvent, telemetry } from './factories.js';
import { recordingLogger, recordingMetrics } from './fakes.js';
import { documentClient, manualClock, noSleep } from './support.js';
import { allTimeStreamRecords, type StreamRecords } from './tableStream.js';

const RS = 300;
const GRACE = 15;
const CLASS_ID = 4;
const SCHEDULED: ScheduledEvent = {
  version: '0',
  id: 'tick',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {},
};

async function freshTable(): Promise<{
  endpoint: string;
  tableName: string;
  streamArn: string;
  ddb: DynamoDBDocumentClient;
}> {
  const endpoint = inject('dynamodbEndpoint');
  const { tableName, streamArn } = await createTestTable(endpoint);
  return { endpoint, tableName, streamArn, ddb: documentClient(endpoint) };
}

function allTimeOf(ddb: DynamoDBDocumentClient, tableName: string) {
  return async (racerId: string) =>
    (await ddb.send(new GetCommand({ TableName: tableName, Key: allTimeKey(racerId, CLASS_ID), ConsistentRead: true })))
      .Item;
}

const kinds = (records: StreamRecords) =>
  records.map((r) => `${r.eventName} ${r.dynamodb?.NewImage?.racerId?.S} ${r.dynamodb?.NewImage?.output?.N}`);

describe('a final that arrives after its race was closed', () => {
  it('through the finalizer: the late final is refused, results and all-time stats stay as closed', async () => {
    // Prepare: an earlier race of the rider, then a race closed while the rider's final is late.
    const { endpoint, tableName, streamArn, ddb } = await freshTable();
    const raceId = 6_100_000;
    const during = raceId * RS * 1000 + 170_000;
    const end = raceEndMillis(raceId, RS);
    const deps = (at: number) => ({
      ddb: documentClient(endpoint),
      tableName,
      raceSeconds: RS,
      graceSeconds: GRACE,
      logger: recordingLogger(),
      metrics: recordingMetrics(),
      clock: manualClock(at),
      sleep: noSleep,
      closeCheckIntervalMs: 0,
    });
    await ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: buildResultItem({
          classId: CLASS_ID,
          raceId: raceId - 5,
          racerId: 'late',
          output: 30.25,
          lastSecond: RS,
          finished: true,
        }),
      }),
    );
    await writeLivePart(
      ddb,
      tableName,
      { classId: CLASS_ID, raceId, shardId: 's0' },
      // Both rode from the start (writeLivePart admits them); ok's result is its final.
      { late: { output: 40.5, second: 170, name: 'Lee' }, ok: { output: 50, second: 170 } },
      new Date(during).toISOString(),
    );
    await createFinalizer(deps(during))(
      kinesisEvent(
        [telemetry({ raceId, classId: CLASS_ID, racerId: 'late', name: 'Lee', second: 170, output: 40.5 })],
        { arrivalSeconds: during / 1000 },
      ),
    );
    await createFinalizer(deps(during))(
      kinesisEvent([telemetry({ raceId, classId: CLASS_ID, racerId: 'ok', second: RS, output: 90, event: 'final' })], {
        arrivalSeconds: end / 1000,
      }),
    );
    // The schedule closes the race: the late rider gets a not-finished result from the live data.
    await createFinalizer(deps(end + GRACE * 1000))(SCHEDULED);
    expect(
      await ddb.send(new GetCommand({ TableName: tableName, Key: resultKey(CLASS_ID, raceId, 'late') })),
    ).toMatchObject({ Item: { finished: false, output: 40.5 } });
    // The final arrives (and the finalizer is redelivered the same batch: an identical put).
    const lateFinal = kinesisEvent(
      [
        telemetry({
          raceId,
          classId: CLASS_ID,
          racerId: 'late',
          name: 'Lee',
          second: RS,
          output: 95.125,
          event: 'final',
        }),
      ],
      { arrivalSeconds: (end + 40_000) / 1000 },
    );
    const refusing = deps(end + 40_000);
    await createFinalizer(refusing)(lateFinal);
    await createFinalizer(deps(end + 41_000))(lateFinal);
    expect(refusing.metrics.totals).toMatchObject({ LateFinalsRefused: 1 });
    expect(
      (await ddb.send(new GetCommand({ TableName: tableName, Key: raceKey(CLASS_ID, raceId) }))).Item,
    ).toMatchObject({ finishers: 1, competitors: 2 });

    const records = await allTimeStreamRecords(endpoint, streamArn);
    expect(kinds(records).sort()).toEqual(['INSERT late 30.25', 'INSERT late 40.5', 'INSERT ok 90']);

    // Act: Lambda delivers everything in one batch, then redelivers it twice.
    const metrics = recordingMetrics();
    const run = createAllTime({ ddb, tableName, logger: recordingLogger(), metrics });
    expect(await run({ Records: records })).toEqual({ batchItemFailures: [] });
    const once = await allTimeOf(ddb, tableName)('late');
    expect(await run({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(await run({ Records: records })).toEqual({ batchItemFailures: [] });

    // Assess
    expect(once).toMatchObject({
      racesCompleted: 2,
      totalOutput: 70.75,
      bestOutput: 40.5,
      bestRaceId: raceId,
      lastRaceId: raceId,
      name: 'Lee',
      countedRaces: new Set([String(raceId - 5), String(raceId)]),
      GSI1SK: rankKey(40.5, 'late'),
      GSI2SK: rankKey(70.75, 'late'),
    });
    expect(await allTimeOf(ddb, tableName)('late')).toEqual(once);
    expect(await allTimeOf(ddb, tableName)('ok')).toMatchObject({ racesCompleted: 1, totalOutput: 90, bestOutput: 90 });
    expect(metrics.totals).toMatchObject({ AllTimeApplied: 3, AllTimeChangesApplied: 0 });
  });

  describe('whatever order the INSERT and the MODIFY are applied in', () => {
    /** The stream records of a not-finished result (1.5) replaced by a final (2.4), plus an earlier race (0.7). */
    async function lateFinalRecords(racerId: string) {
      const t = await freshTable();
      const put = (raceId: number, output: number, finished: boolean) =>
        t.ddb.send(
          new PutCommand({
            TableName: t.tableName,
            Item: buildResultItem({
              classId: CLASS_ID,
              raceId,
              racerId,
              output,
              lastSecond: finished ? RS : 100,
              finished,
            }),
          }),
        );
      await put(7_000_000, 0.7, true);
      await put(7_000_001, 1.5, false);
      await put(7_000_001, 2.4, true);
      const records = await allTimeStreamRecords(t.endpoint, t.streamArn);
      expect(kinds(records)).toEqual([`INSERT ${racerId} 0.7`, `INSERT ${racerId} 1.5`, `MODIFY ${racerId} 2.4`]);
      return { ...t, records };
    }
    const expected = (racerId: string) => ({
      racesCompleted: 2,
      // Exactly 0.7 + 2.4 in decimal (a binary difference 2.4 - 1.5 would leave 3.0999999999999999).
      totalOutput: 3.1,
      bestOutput: 2.4,
      bestRaceId: 7_000_001,
      lastRaceId: 7_000_001,
      GSI1SK: rankKey(2.4, racerId),
      GSI2SK: rankKey(3.1, racerId),
    });

    it('one record per invocation, in stream order', async () => {
      const t = await lateFinalRecords('seq');
      const run = createAllTime({
        ddb: t.ddb,
        tableName: t.tableName,
        logger: recordingLogger(),
        metrics: recordingMetrics(),
      });
      for (const r of t.records) expect(await run({ Records: [r] })).toEqual({ batchItemFailures: [] });
      expect(await allTimeOf(t.ddb, t.tableName)('seq')).toMatchObject(expected('seq'));
    });

    it('the MODIFY before its INSERT (an INSERT given up on, then replayed): counted once, with the final output', async () => {
      const t = await lateFinalRecords('rev');
      const [earlier, insert, modify] = t.records;
      const run = createAllTime({
        ddb: t.ddb,
        tableName: t.tableName,
        logger: recordingLogger(),
        metrics: recordingMetrics(),
      });
      await run({ Records: [earlier!, modify!] });
      const afterModify = await allTimeOf(t.ddb, t.tableName)('rev');
      expect(afterModify).toMatchObject(expected('rev'));
      await run({ Records: [insert!] });
      await run({ Records: [modify!, insert!, earlier!] });
      expect(await allTimeOf(t.ddb, t.tableName)('rev')).toEqual(afterModify);
    });

    it('INSERT and MODIFY in one batch, applied concurrently by several invocations', async () => {
      const t = await lateFinalRecords('par');
      const run = () =>
        createAllTime({
          ddb: documentClient(t.endpoint),
          tableName: t.tableName,
          logger: recordingLogger(),
          metrics: recordingMetrics(),
        });
      await Promise.all([
        run()({ Records: t.records }),
        run()({ Records: [...t.records].reverse() }),
        run()({ Records: [t.records[2]!] }),
      ]);
      expect(await allTimeOf(t.ddb, t.tableName)('par')).toMatchObject(expected('par'));
    });

    it('the INSERT fails in the batch: its MODIFY is reported failed too, and the redelivery ends right', async () => {
      const t = await lateFinalRecords('thr');
      // DynamoDB throttles the first update of the rider's all-time item (the INSERT of race 7000001 is the first of its item here).
      let throttled = false;
      const flaky = new Proxy(t.ddb, {
        get(target, prop, receiver) {
          if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
          return async (command: { input: { ExpressionAttributeValues?: Record<string, unknown> } }) => {
            if (!throttled && command.input.ExpressionAttributeValues?.[':raceIdString'] === '7000001') {
              throttled = true;
              throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
                name: 'ProvisionedThroughputExceededException',
              });
            }
            return target.send(command as never);
          };
        },
      });
      const logger = recordingLogger();
      const first = await createAllTime({ ddb: flaky, tableName: t.tableName, logger, metrics: recordingMetrics() })({
        Records: t.records,
      });
      const seqs = t.records.map((r) => r.dynamodb?.SequenceNumber);
      expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([seqs[1], seqs[2]]);
      // Lambda retries from the lowest failed sequence number.
      expect(
        await createAllTime({ ddb: t.ddb, tableName: t.tableName, logger, metrics: recordingMetrics() })({
          Records: t.records.slice(1),
        }),
      ).toEqual({ batchItemFailures: [] });
      expect(await allTimeOf(t.ddb, t.tableName)('thr')).toMatchObject(expected('thr'));
    });
  });
});
