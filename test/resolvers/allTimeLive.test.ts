/**
 * All-time rankings read through the local AppSync runtime while the all-time
 * consumer runs behind its event-source mapping on DynamoDB Local's table
 * stream (the mapping's own settings and filter): results are written as the
 * close writes them, the consumer updates the riders' items, the index and
 * the class's ranking heads, and the API is read meanwhile.
 *
 * - A sweep of allTimeRankings while a race's results are being applied
 *   returns no rider twice and every rider the race did not touch exactly
 *   once, in ranking order (the first page from the head, the rest from the
 *   shards after its last sort key).
 * - Once the consumer is idle, the head's first page is the shards' first
 *   page; a page around a rider and the racer's ranks agree with a full sweep.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  AllTimeRankingsDocument,
  RacerDocument,
  type AllTimeOrder,
  type AllTimeRankingsQuery,
} from '../../client/generated/operations.js';
import { ALLTIME_SHARDS, allTimeBestPk, allTimeKey, rankingHeadKey, writeShard } from '../../core/keys.js';
import { decodeHeadEntries, RANKING_HEAD_SIZE } from '../../core/rankingHead.js';
import { buildResultItem } from '../../core/resultItem.js';
import { createAllTime } from '../../functions/allTime/allTime.js';
import { withRanks } from '../../functions/finalizer/withRanks.js';
import { memoryCheckpointStore } from '../../local/esm/checkpointStore.js';
import { dynamoDbSource } from '../../local/esm/dynamodbSource.js';
import { startEventSourceMapping, type RunningMapping } from '../../local/esm/eventSourceMapping.js';
import { failureQueue } from '../../local/esm/failureQueue.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../../local/credentials.js';
import { localDynamoDb } from '../../local/stack/clients.js';
import { mappingSettingsFor } from '../../local/stack/stackMappings.js';
import { FAST } from '../esm/support/harness.js';
import { recordingLogger, recordingMetrics } from '../functions/fakes.js';
import { documentClient } from '../functions/support.js';
import { type Api, clockInRace, createApi, putItems, RACE_SECONDS, raceAt } from './api.js';

const NOW = clockInRace(30);
const RACE = raceAt(NOW) - 10;
const CLASS = 4;
const RIDERS = 240;
const ids = Array.from({ length: RIDERS }, (_, i) => `s${String(i).padStart(3, '0')}`);

let api: Api;
let streams: DynamoDBStreamsClient;
let mapping: RunningMapping;
const deadLetters = failureQueue('allTime-dead-letters');
/** Invocations of the consumer under way. */
let running = 0;

/** A race's results as the close writes them (ranked), `output(i)` for the i-th rider of `riders`. */
function raceResults(raceId: number, riders: readonly string[], output: (i: number) => number) {
  return withRanks(
    riders.map((racerId, i) =>
      buildResultItem({
        classId: CLASS,
        raceId,
        racerId,
        name: `Rider ${racerId}`,
        output: output(i),
        lastSecond: RACE_SECONDS,
        finished: true,
      }),
    ),
  ).map((r) => ({ ...r }));
}

type Entry = AllTimeRankingsQuery['allTimeRankings']['items'][number];

async function page(by: AllTimeOrder, limit: number, nextToken: string | null, around?: string) {
  const { data, errors } = await api.call(AllTimeRankingsDocument, {
    classId: CLASS,
    by,
    limit,
    nextToken,
    ...(around === undefined ? {} : { around }),
  });
  return { page: data?.allTimeRankings, errors };
}

async function sweep(by: AllTimeOrder, limit: number, between?: () => Promise<void>): Promise<Entry[]> {
  const seen: Entry[] = [];
  let nextToken: string | null = null;
  for (let pages = 0; pages < 200; pages += 1) {
    const { page: p, errors } = await page(by, limit, nextToken);
    expect(errors).toEqual([]);
    seen.push(...(p?.items ?? []));
    nextToken = p?.nextToken ?? null;
    if (nextToken === null) break;
    await between?.();
  }
  expect(nextToken).toBeNull();
  return seen;
}

/** Waits until the consumer has counted `racerId`'s second race in the class. */
async function appliedSecondRace(racerId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = await api.doc.send(new GetCommand({ TableName: api.tableName, Key: allTimeKey(racerId, CLASS) }));
    if (got.Item?.racesCompleted === 2) return;
    if (Date.now() > deadline) throw new Error(`the consumer did not apply ${racerId}'s second race within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the consumer has applied everything written so far (the sweep sees `expected` races in total). */
async function settled(expectedRaces: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const all = await sweep('TOTAL_OUTPUT', 1000);
    const races = all.reduce((n, e) => n + e.racesCompleted, 0);
    if (races === expectedRaces && running === 0) return;
    if (Date.now() > deadline) throw new Error(`the consumer applied ${races} of ${expectedRaces} results`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const endpoint = inject('dynamodbEndpoint');
  api = await createApi({ ddbEndpoint: endpoint, now: NOW });
  const ddb = localDynamoDb(endpoint);
  const table = await ddb.send(new DescribeTableCommand({ TableName: api.tableName }));
  ddb.destroy();
  streams = new DynamoDBStreamsClient({ endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS });
  const allTime = createAllTime({
    ddb: documentClient(endpoint),
    tableName: api.tableName,
    logger: recordingLogger(),
    metrics: recordingMetrics(),
  });
  mapping = await startEventSourceMapping({
    id: 'allTime',
    functionName: 'allTime',
    handler: (async (event: Parameters<typeof allTime>[0]) => {
      running += 1;
      try {
        return await allTime(event);
      } finally {
        running -= 1;
      }
    }) as never,
    source: dynamoDbSource({
      client: streams,
      streamArn: table.Table?.LatestStreamArn as string,
      region: LOCAL_REGION,
    }),
    settings: mappingSettingsFor('allTime', 5),
    checkpoints: memoryCheckpointStore(),
    onFailure: deadLetters,
    region: LOCAL_REGION,
    accountId: '000000000000',
    overrides: FAST,
  });
  // A first race for everyone; outputs in steps of 0.5 kJ, every output shared by 3 riders.
  await putItems(
    api,
    raceResults(RACE, ids, (i) => 200 - Math.floor(i / 3) / 2),
  );
  await settled(RIDERS);
}, 180_000);

afterAll(async () => {
  await mapping?.stop();
  streams?.destroy();
  api?.destroy();
});

describe('allTimeRankings while the all-time consumer applies a race', () => {
  it('a sweep never repeats a rider and returns every rider the race does not touch exactly once', async () => {
    expect(new Set(ids.map((id) => writeShard(id, ALLTIME_SHARDS))).size).toBe(ALLTIME_SHARDS);
    // The second race: two riders in three ride it (and rise), the third stay put.
    const racing = ids.filter((_, i) => i % 3 !== 2);
    const still = new Set(ids.filter((_, i) => i % 3 === 2));
    const second = raceResults(RACE + 1, racing, (i) => 10 + ((i * 53) % 190));
    let written = 0;
    // Between pages, another 20 results reach the table, and the sweep goes on once the consumer has applied
    // the first of them (so that, however slow the machine, the index changes under the sweep).
    const writeMore = async () => {
      if (written >= second.length) return;
      const batch = second.slice(written, written + 20);
      await putItems(api, batch);
      written += batch.length;
      await appliedSecondRace(batch[0]?.racerId as string);
    };
    for (const by of ['TOTAL_OUTPUT', 'PERSONAL_BEST'] as const) {
      const seen = await sweep(by, 15, writeMore);
      const counts = new Map<string, number>();
      for (const e of seen) counts.set(e.racerId, (counts.get(e.racerId) ?? 0) + 1);
      expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
      for (const id of still) expect(counts.get(id), id).toBe(1);
      // The order holds along the sweep: ranks never fall, and the scores of riders who stayed put never rise.
      const score = (e: Entry) => (by === 'TOTAL_OUTPUT' ? e.totalOutput : e.bestOutput);
      for (let i = 1; i < seen.length; i++) {
        expect((seen[i] as Entry).rank).toBeGreaterThanOrEqual((seen[i - 1] as Entry).rank);
      }
      // The consumer applied results while the sweep ran (riders seen with their second race counted).
      expect(seen.some((e) => e.racesCompleted === 2)).toBe(true);
      const stayed = seen.filter((e) => still.has(e.racerId)).map(score);
      expect(stayed).toEqual([...stayed].sort((a, b) => b - a));
    }
    expect(written).toBeGreaterThan(0);
    await putItems(api, second.slice(written));
    await settled(RIDERS + racing.length);
    expect(deadLetters.messages()).toEqual([]);
  }, 300_000);
});

describe('once the consumer is idle', () => {
  let full: Record<AllTimeOrder, Entry[]>;

  beforeAll(async () => {
    full = {
      TOTAL_OUTPUT: await sweep('TOTAL_OUTPUT', 1000),
      PERSONAL_BEST: await sweep('PERSONAL_BEST', 1000),
    };
  }, 120_000);

  it("the head's first page is the shards' first page, ranks and all", async () => {
    const head = await api.doc.send(
      new GetCommand({ TableName: api.tableName, Key: rankingHeadKey(allTimeBestPk(CLASS)) }),
    );
    expect(decodeHeadEntries(head.Item?.entries)).toHaveLength(RANKING_HEAD_SIZE);
    expect(head.Item?.more).toBe(true);
    for (const by of ['TOTAL_OUTPUT', 'PERSONAL_BEST'] as const) {
      const first = await page(by, RANKING_HEAD_SIZE, null);
      expect(first.errors).toEqual([]);
      expect(first.page?.items).toEqual(full[by].slice(0, RANKING_HEAD_SIZE));
      // Past the head, the page follows on from the shards.
      const next = await page(by, RANKING_HEAD_SIZE, first.page?.nextToken ?? null);
      expect(next.page?.items).toEqual(full[by].slice(RANKING_HEAD_SIZE, 2 * RANKING_HEAD_SIZE));
    }
  });

  it.each(['s000', 's001', 's002', 's118', 's200', 's239'])(
    'a page around %s starts with the rider, ranked as in the full ranking',
    async (id) => {
      for (const by of ['TOTAL_OUTPUT', 'PERSONAL_BEST'] as const) {
        const at = full[by].findIndex((e) => e.racerId === id);
        const around = await page(by, 9, null, id);
        expect(around.errors).toEqual([]);
        expect(around.page?.items).toEqual(full[by].slice(at, at + 9));
        const token = around.page?.nextToken ?? null;
        if (at + 9 >= full[by].length) {
          expect(token).toBeNull();
          continue;
        }
        const next = await page(by, 9, token);
        expect(next.page?.items).toEqual(full[by].slice(at + 9, at + 18));
      }
    },
  );

  it("racer shows the rider's all-time ranks in the class, as the full ranking has them", async () => {
    for (const id of ['s000', 's005', 's131', 's239']) {
      const { data, errors } = await api.call(RacerDocument, { racerId: id });
      expect(errors).toEqual([]);
      const stats = data?.racer?.classes.find((c) => c.classId === CLASS);
      expect(stats?.bestRank).toBe(full.PERSONAL_BEST.find((e) => e.racerId === id)?.rank);
      expect(stats?.totalRank).toBe(full.TOTAL_OUTPUT.find((e) => e.racerId === id)?.rank);
    }
  });

  it('refuses around for a rider without a ranking, a malformed id, or together with nextToken', async () => {
    const unknown = await page('TOTAL_OUTPUT', 5, null, 'nobody-here');
    expect(unknown.errors[0]).toMatchObject({
      errorType: 'ValidationError',
      message: 'rider nobody-here has no all-time ranking in this class',
    });
    const malformed = await page('TOTAL_OUTPUT', 5, null, 'not valid!');
    expect(malformed.errors[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(malformed.errors[0]?.message).toContain('around');
    const first = await page('TOTAL_OUTPUT', 5, null);
    const both = await page('TOTAL_OUTPUT', 5, first.page?.nextToken ?? null, 's000');
    expect(both.errors[0]).toMatchObject({ errorType: 'ValidationError' });
    expect(both.errors[0]?.message).toContain('nextToken');
  });
});
