/**
 * A window's close stores the boards it published together (DynamoDB Local):
 * every race's board complete and equal to its publish, in one BatchWriteItem
 * and one transaction of heads; a close whose store fails at the heads leaves
 * every race's previous board whole; a retried close stores them again; the
 * bands go to the publisher before the capped board, and nothing is stored
 * while the events are out.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { liveBoardHeadKey, racePk } from '../../core/keys.js';
import { boardHeadOf, storedBandOf } from '../../core/liveBoardItems.js';
import { raceStartMillis } from '../../core/raceClock.js';
import { createAggregator } from '../../functions/aggregator/aggregator.js';
import type { LiveRankingsInput } from '../../functions/aggregator/publishLiveRankings.js';
import { telemetry, windowEvent } from './factories.js';
import { recordingMetrics } from './fakes.js';
import { manualClock, useAggregatorHarness } from './support.js';

const RACE_SECONDS = 120;
const RACE_ID = 29_100_000;
const CLASSES = [1, 2, 3];
const SHARD = 'shardId-000000000000';
const windowStart = (k: number) => raceStartMillis(RACE_ID, RACE_SECONDS) + k * 5000;

/** The board a race's head points at: its progress and every entry, band by band. */
async function storedBoard(ddb: DynamoDBDocumentClient, tableName: string, classId: number) {
  const res = await ddb.send(
    new GetCommand({ TableName: tableName, Key: liveBoardHeadKey(classId, RACE_ID), ConsistentRead: true }),
  );
  const head = boardHeadOf(res.Item);
  if (head === null) return undefined;
  const items = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :b)',
      ExpressionAttributeValues: { ':pk': racePk(classId, RACE_ID), ':b': `BOARD#${head.copy}#B#` },
      ConsistentRead: true,
    }),
  );
  const bands = (items.Items ?? []).map(storedBandOf).slice(0, Math.ceil(head.totalRiders / 50));
  expect(bands.every((b) => b?.progress === head.progress)).toBe(true);
  return {
    progress: head.progress,
    entries: bands.flatMap(
      (b) => b?.entries.map((e) => ({ rank: e.rank, racerId: e.racerId, output: e.output })) ?? [],
    ),
  };
}

describe("a close stores its window's boards together (DynamoDB Local)", () => {
  const harness = useAggregatorHarness({ raceSeconds: RACE_SECONDS });
  const clock = manualClock(0);

  /** Window k of three classes of 60 riders on one shard: folded, then its final invocation's event. */
  async function window(run: ReturnType<typeof createAggregator>, k: number) {
    const recs = CLASSES.flatMap((classId) =>
      Array.from({ length: 60 }, (_, i) =>
        telemetry({
          raceId: RACE_ID,
          classId,
          racerId: `c${classId}-r${String(i).padStart(2, '0')}`,
          second: 5 * k + 4,
          output: Math.round((5 * k + 4) * (0.2 + ((i * 7 + k * 13) % 60) * 0.003) * 1000) / 1000,
        }),
      ),
    );
    const end = windowStart(k) + 5000;
    const { state } = await run(
      windowEvent(recs, { shardId: SHARD, arrivalSeconds: (windowStart(k) + 4999) / 1000, windowEnd: end }),
    );
    clock.set(end + 500);
    return windowEvent([], { shardId: SHARD, state, final: true, windowEnd: end });
  }

  const publishedOf = (from: number) =>
    new Map(
      harness.appsync.requests
        .slice(from)
        .map((r) => r.body.variables.input as LiveRankingsInput)
        .map((p) => [p.classId, p.entries.map((e) => ({ rank: e.rank, racerId: e.racerId, output: e.output }))]),
    );

  it('stores every published board complete, in one BatchWriteItem and one transaction of heads', async () => {
    const metrics = recordingMetrics();
    const run = createAggregator(harness.deps(clock, { metrics }));
    const from = harness.appsync.requests.length;
    await run(await window(run, 0));
    const published = publishedOf(from);
    expect([...published.keys()].sort()).toEqual(CLASSES);
    expect(metrics.totals.LivePublishes).toBe(3);
    expect(metrics.totals.BoardWriteCalls).toBe(2);
    expect(metrics.totals.BoardStoreFailures ?? 0).toBe(0);
    const ddb = harness.ddb();
    for (const classId of CLASSES) {
      const stored = await storedBoard(ddb, harness.tableName, classId);
      expect(stored?.entries).toEqual(published.get(classId));
      expect(stored?.entries).toHaveLength(60);
    }
  });

  it('a store that fails at the heads leaves every previous board whole; the retried close stores the new ones', async () => {
    const ddb = harness.ddb();
    const before = await Promise.all(CLASSES.map((c) => storedBoard(ddb, harness.tableName, c)));
    // DynamoDB fails the heads' transaction (as when the function dies there): the items went to the spare copies.
    const failing = harness.ddb();
    let failed = 0;
    failing.middlewareStack.add(
      (next, context) => async (args) => {
        if (String(context.commandName) === 'TransactWriteItemsCommand' && failed === 0) {
          failed += 1;
          throw Object.assign(new Error('the connection was reset'), { name: 'InternalServerError' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failHeadsOnce' },
    );
    const metrics = recordingMetrics();
    const run = createAggregator(harness.deps(clock, { ddb: failing, metrics, attempts: 1 }));
    const final = await window(run, 1);
    const from = harness.appsync.requests.length;
    await run(final);
    expect(failed).toBe(1);
    expect(metrics.totals.LivePublishes).toBe(3);
    expect(metrics.totals.BoardStoreFailures).toBe(3);
    for (const [i, classId] of CLASSES.entries())
      expect(await storedBoard(ddb, harness.tableName, classId)).toEqual(before[i]);
    // Lambda's retry of the final invocation (same state): the same boards are published and stored.
    await run(final);
    const published = publishedOf(from);
    for (const classId of CLASSES) {
      const stored = await storedBoard(ddb, harness.tableName, classId);
      expect(stored?.entries).toEqual(published.get(classId));
      expect(stored?.progress).toBeGreaterThan(before[CLASSES.indexOf(classId)]!.progress);
    }
  });

  it("hands each board's bands to the publisher before its capped board, and stores the boards once both are out", async () => {
    const ddb = harness.ddb();
    const before = await Promise.all(CLASSES.map((c) => storedBoard(ddb, harness.tableName, c)));
    const handed: string[] = [];
    let release = (): void => {};
    const out = new Promise<void>((resolve) => (release = resolve));
    const run = createAggregator(
      harness.deps(clock, {
        publishBands: async (bands) => {
          const first = bands[0];
          handed.push(`bands ${first === undefined ? '?' : first.band.classId}`);
          await out;
        },
        publish: async (input) => {
          handed.push(`board ${input.classId}`);
          await out;
        },
      }),
    );
    const closing = run(await window(run, 2));
    for (let waited = 0; handed.length < 2 * CLASSES.length && waited < 30_000; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    // Each race's bands first, its capped board right after (a race's publish runs without a pause between them).
    expect(handed).toHaveLength(2 * CLASSES.length);
    for (let i = 0; i < handed.length; i += 2) {
      const classId = (handed[i] as string).split(' ')[1];
      expect([handed[i], handed[i + 1]]).toEqual([`bands ${classId}`, `board ${classId}`]);
    }
    // While the events are on their way no board is stored: the queries keep the previous ones.
    for (const [i, classId] of CLASSES.entries())
      expect(await storedBoard(ddb, harness.tableName, classId)).toEqual(before[i]);
    release();
    await closing;
    for (const [i, classId] of CLASSES.entries())
      expect((await storedBoard(ddb, harness.tableName, classId))?.progress).toBeGreaterThan(before[i]!.progress);
  });
});
