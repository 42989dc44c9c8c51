/**
 * The all-time consumer against DynamoDB Local, fed the table's real stream
 * records (read from DynamoDB Local's stream, shaped as Lambda delivers them,
 * filtered with the mapping's own FilterCriteria).
 */
import { describe, expect, it } from 'vitest';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createAllTime } from '../../functions/allTime/allTime.js';
import { countUpdate } from '../../functions/allTime/allTimeUpdates.js';
import { buildResultItem } from '../../core/resultItem.js';
import {
  ALLTIME_SHARDS,
  SHARD_NUMBERS,
  allTimeBestPk,
  allTimeKey,
  allTimeTotalPk,
  raceKey,
  rankKey,
  writeShard,
} from '../../core/keys.js';
import { readItem } from '../support/readItem.js';
import { shardedIndexItems } from '../support/shardedReads.js';
import { useTestTable } from '../support/useTestTable.js';
import { recordingLogger, recordingMetrics } from './fakes.js';
import { documentClient } from './support.js';
import { allTimeStreamRecords, type StreamRecords } from './tableStream.js';

const CLASS_ID = 5;

describe('all-time rankings from the table stream', () => {
  const table = useTestTable();

  /** Every stream record so far, as Lambda's event records, through the mapping's filter. */
  function streamRecords(): Promise<StreamRecords> {
    return allTimeStreamRecords(table.endpoint, table.streamArn);
  }

  async function put(item: object) {
    await documentClient(table.endpoint).send(
      new PutCommand({ TableName: table.tableName, Item: item as Record<string, unknown> }),
    );
  }
  const result = (racerId: string, raceId: number, output: number, finished = true, name?: string) =>
    buildResultItem({
      classId: CLASS_ID,
      raceId,
      racerId,
      output,
      lastSecond: finished ? 300 : 120,
      finished,
      ...(name ? { name } : {}),
    });
  const allTime = (racerId: string) =>
    readItem(documentClient(table.endpoint), table.tableName, allTimeKey(racerId, CLASS_ID));

  it('keeps best, races, total and last race per rider over several races; replays change nothing', async () => {
    // Prepare: results of three races (in the order a stream might bring them), and items the filter must drop.
    await put(result('r1', 100, 50.25, true, 'Ria'));
    await put(result('r2', 100, 70, true, 'Rob'));
    await put(result('r1', 102, 60, false));
    await put(result('r1', 101, 70.5, true, 'Ria B.'));
    await put(result('r2', 101, 20.125, true));
    await put(result('r3', 101, 70.5, true));
    await put({ ...raceKey(CLASS_ID, 100), itemType: 'Race', competitors: 2 });
    await documentClient(table.endpoint).send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { PK: result('r2', 100, 0).PK, SK: result('r2', 100, 0).SK },
        UpdateExpression: 'SET note = :n',
        ExpressionAttributeValues: { ':n': 'x' },
      }),
    );
    const records = await streamRecords();
    // INSERTs and MODIFYs of results only; the MODIFY (the note) changes nothing counted.
    expect(records.map((r) => r.eventName)).toEqual([
      'INSERT',
      'INSERT',
      'INSERT',
      'INSERT',
      'INSERT',
      'INSERT',
      'MODIFY',
    ]);

    // Act: two batches, then Lambda re-delivers everything.
    const metrics = recordingMetrics();
    const run = createAllTime({
      ddb: documentClient(table.endpoint),
      tableName: table.tableName,
      logger: recordingLogger(),
      metrics,
    });
    expect(await run({ Records: records.slice(0, 3) })).toEqual({ batchItemFailures: [] });
    expect(await run({ Records: records.slice(3) })).toEqual({ batchItemFailures: [] });
    const once = await Promise.all(['r1', 'r2', 'r3'].map(allTime));
    expect(await run({ Records: records })).toEqual({ batchItemFailures: [] });

    // Assess
    expect(metrics.totals).toMatchObject({ AllTimeApplied: 6, AllTimeReplaySkipped: 6 });
    expect(await Promise.all(['r1', 'r2', 'r3'].map(allTime))).toEqual(once);
    expect(once[0]).toMatchObject({
      racerId: 'r1',
      classId: CLASS_ID,
      itemType: 'AllTime',
      bestOutput: 70.5,
      bestRaceId: 101,
      racesCompleted: 3,
      totalOutput: 180.75,
      lastRaceId: 102,
      countedRaces: new Set(['100', '101', '102']),
      GSI1PK: allTimeBestPk(CLASS_ID, writeShard('r1', ALLTIME_SHARDS)),
      GSI1SK: rankKey(70.5, 'r1'),
      GSI2PK: allTimeTotalPk(CLASS_ID, writeShard('r1', ALLTIME_SHARDS)),
      GSI2SK: rankKey(180.75, 'r1'),
    });
    expect(once[1]).toMatchObject({
      name: 'Rob',
      bestOutput: 70,
      bestRaceId: 100,
      racesCompleted: 2,
      totalOutput: 90.125,
      lastRaceId: 101,
    });

    // The indexes rank by personal best (ties by racerId) and by total output.
    const shards = SHARD_NUMBERS.slice(0, ALLTIME_SHARDS);
    const ddb = documentClient(table.endpoint);
    const byBest = await shardedIndexItems(
      ddb,
      table.tableName,
      'GSI1',
      shards.map((s) => allTimeBestPk(CLASS_ID, s)),
    );
    expect(byBest.map((i) => i.racerId)).toEqual(['r1', 'r3', 'r2']);
    const byTotal = await shardedIndexItems(
      ddb,
      table.tableName,
      'GSI2',
      shards.map((s) => allTimeTotalPk(CLASS_ID, s)),
    );
    expect(byTotal.map((i) => i.racerId)).toEqual(['r1', 'r2', 'r3']);
  });

  it('a redelivery completes a delivery that crashed after counting, without counting twice', async () => {
    const item = result('r9', 300, 33, true, 'Nia');
    await put(item);
    const rec = (await streamRecords()).find((r) => r.dynamodb?.NewImage?.racerId?.S === 'r9');
    expect(rec).toBeDefined();
    // The first delivery counted the race, then the function died before the best and the index keys.
    const u = countUpdate({ racerId: 'r9', classId: CLASS_ID, raceId: 300, output: 33, finished: true, name: 'Nia' });
    await documentClient(table.endpoint).send(new UpdateCommand({ TableName: table.tableName, ...u }));
    const metrics = recordingMetrics();
    await createAllTime({
      ddb: documentClient(table.endpoint),
      tableName: table.tableName,
      logger: recordingLogger(),
      metrics,
    })({
      Records: [rec!],
    });
    expect(metrics.totals).toMatchObject({ AllTimeApplied: 0, AllTimeReplaySkipped: 1 });
    expect(await allTime('r9')).toMatchObject({
      racesCompleted: 1,
      totalOutput: 33,
      bestOutput: 33,
      bestRaceId: 300,
      lastRaceId: 300,
      GSI1SK: rankKey(33, 'r9'),
    });
  });

  it('applies many results of one rider delivered concurrently, keeping the index keys current', async () => {
    for (let raceId = 400; raceId < 420; raceId += 1) await put(result('r7', raceId, raceId - 390));
    const recs = (await streamRecords()).filter((r) => r.dynamodb?.NewImage?.racerId?.S === 'r7');
    expect(recs).toHaveLength(20);
    // Powertools' BatchProcessor runs the records of a batch in parallel.
    await Promise.all(
      [0, 1, 2, 3].map((k) =>
        createAllTime({
          ddb: documentClient(table.endpoint),
          tableName: table.tableName,
          logger: recordingLogger(),
          metrics: recordingMetrics(),
        })({ Records: recs.slice(k * 5, k * 5 + 5) }),
      ),
    );
    const total = Array.from({ length: 20 }, (_, i) => 10 + i).reduce((a, b) => a + b, 0);
    expect(await allTime('r7')).toMatchObject({
      racesCompleted: 20,
      totalOutput: total,
      bestOutput: 29,
      bestRaceId: 419,
      lastRaceId: 419,
      GSI1SK: rankKey(29, 'r7'),
      GSI2SK: rankKey(total, 'r7'),
    });
  });
  it('starts records only within its time budget and leaves the rest to the next invocation', async () => {
    for (let i = 0; i < 5; i += 1) await put(result(`budget-${i}`, 500, 10 + i));
    const recs = (await streamRecords()).filter((r) => r.dynamodb?.NewImage?.racerId?.S?.startsWith('budget-'));
    expect(recs).toHaveLength(5);
    // A clock that moves one millisecond a reading: the invocation starts at 0 and its budget ends at 2, so
    // the records that take their turn (one at a time) at 1 and 2 are applied and the three after are not.
    let tick = 0;
    const metrics = recordingMetrics();
    const logger = recordingLogger();
    const first = await createAllTime({
      ddb: documentClient(table.endpoint),
      tableName: table.tableName,
      logger,
      metrics,
      maxConcurrentRecords: 1,
      budgetMs: 2,
      clock: { now: () => tick++ },
    })({ Records: recs });
    const sequence = (r: (typeof recs)[number]) => r.dynamodb?.SequenceNumber;
    expect(first.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(recs.slice(2).map(sequence));
    expect(metrics.totals).toMatchObject({ AllTimeApplied: 2, AllTimeRecordsDeferred: 3 });
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);

    // Lambda starts the next invocation from the first record reported.
    const next = recordingMetrics();
    const rest = recs.slice(recs.findIndex((r) => sequence(r) === first.batchItemFailures[0]?.itemIdentifier));
    expect(
      await createAllTime({
        ddb: documentClient(table.endpoint),
        tableName: table.tableName,
        logger: recordingLogger(),
        metrics: next,
      })({
        Records: rest,
      }),
    ).toEqual({ batchItemFailures: [] });
    expect(next.totals).toMatchObject({ AllTimeApplied: 3, AllTimeRecordsDeferred: 0 });
    for (let i = 0; i < 5; i += 1) {
      expect(await allTime(`budget-${i}`)).toMatchObject({ racesCompleted: 1, bestOutput: 10 + i, bestRaceId: 500 });
    }
  });
});
