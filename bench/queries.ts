/**
 * query.raceResultsTop100P95Ms and query.allTimeTop100P95Ms: the top-100 page
 * of a race's results and of a class's all-time ranking, read through the
 * local AppSync runtime's `execute` (auth, graphql-js, the APPSYNC_JS bundles,
 * DynamoDB Local), p95 over repeated reads. Seeds 1,000 results as the close
 * writes them (ranked by the finalizer's `withRanks`, with the race's head,
 * `buildRaceHead`) and 1,000 all-time items with the all-time consumer's own
 * `applyResult` and `refreshAllTimeHeads` (so the items have exactly the
 * production shape). Twins without a head (the same results in another race,
 * the same all-time items in another class) are read in turns with them: the
 * scatter-gather of the 8 write shards that pages past the head take, measured
 * under the same load, and checked to return the same page.
 * `--quick` seeds 150 all-time items instead of 1,000 (three conditional
 * updates each is the slow part; 150 still fill a 100-item page) and reads
 * each page 100 times instead of 1,000.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppSyncRuntime } from '../local/appsync/index.js';
import { startDynamoDbLocal } from '../local/emulators/dynamodbLocal.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../local/credentials.js';
import { localDynamoDb } from '../local/stack/clients.js';
import { ensureTable } from '../local/stack/resources.js';
import { buildResultItem } from '../core/resultItem.js';
import { applyResult } from '../functions/allTime/applyResult.js';
import { batchPutAll } from '../functions/runtime/batchPutAll.js';
import { refreshAllTimeHeads } from '../functions/allTime/rankingHeadStore.js';
import { withRanks } from '../functions/finalizer/withRanks.js';
import { buildRaceHead, putRaceHead } from '../functions/finalizer/raceHead.js';
import { allTimeIndexKeys, allTimeKey } from '../core/keys.js';
import { createDocumentClient } from '../functions/runtime/documentClient.js';
import { bundleResolvers } from '../resolvers/build.js';
import { alleycatApiDefinition } from '../local/stack/apiDefinition.js';
import type { BenchOptions, BenchResult } from './types.js';
import { percentile } from './stats.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ITEMS = 1_000;
const CLASS_ID = 2;
const RACE_ID = 5_877_000;
/** The twins without a head: the same results in another race, the same all-time items in another class. */
const TWIN_RACE_ID = RACE_ID + 1;
const TWIN_CLASS_ID = 3;
const API_KEY = 'da2-benchqueries000000000000';

const RACE_RESULTS = `query Top($classId: Int!, $raceId: Int!) {
  raceResults(classId: $classId, raceId: $raceId, limit: 100) { items { rank racerId name output } nextToken }
}`;
const ALL_TIME = `query Top($classId: Int!) {
  allTimeRankings(classId: $classId, limit: 100) { items { rank racerId name bestOutput bestRaceId racesCompleted totalOutput } nextToken }
}`;

/** Deterministic outputs with ties (equal outputs share a rank), so ranking work is realistic. */
function outputOf(i: number): number {
  return Math.round((1_200 - (i % 997) * 1.1) * 10) / 10;
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const progress = opts.progress ?? (() => undefined);
  const reads = opts.quick ? 100 : 1_000;
  progress('starting DynamoDB Local');
  const ddbLocal = await startDynamoDbLocal();
  try {
    const tableName = 'bench-queries';
    const client = localDynamoDb(ddbLocal.endpoint);
    await ensureTable(client, tableName);
    client.destroy();
    const doc = createDocumentClient({
      region: LOCAL_REGION,
      endpoint: ddbLocal.endpoint,
      credentials: EMULATOR_CREDENTIALS,
    });

    progress(`seeding ${ITEMS} results`);
    const unranked = Array.from({ length: ITEMS }, (_, i) =>
      buildResultItem({
        classId: CLASS_ID,
        raceId: RACE_ID,
        racerId: `racer-${String(i).padStart(6, '0')}`,
        name: `Rider ${i}`,
        output: outputOf(i),
        lastSecond: 300,
        finished: true,
      }),
    );
    const results = withRanks(unranked);
    const twinRace = withRanks(unranked.map((r) => buildResultItem({ ...r, raceId: TWIN_RACE_ID })));
    const put = await batchPutAll(doc, tableName, [...results, ...twinRace]);
    if (put.failed.length > 0) throw new Error(`seeding results: ${put.failed.length} items not written`);
    await putRaceHead(
      doc,
      tableName,
      buildRaceHead({ classId: CLASS_ID, raceId: RACE_ID }, results, new Date().toISOString()),
    );

    const allTimeItems = opts.quick ? 150 : ITEMS;
    progress(`seeding ${allTimeItems} all-time items`);
    for (let start = 0; start < allTimeItems; start += 100) {
      const outcomes = await Promise.all(
        results.slice(start, Math.min(allTimeItems, start + 100)).map((r) =>
          applyResult(doc, tableName, {
            racerId: r.racerId,
            classId: CLASS_ID,
            raceId: RACE_ID,
            name: `Rider ${r.racerId}`,
            output: r.output,
            finished: true,
          }),
        ),
      );
      // As the consumer does after each batch it applied.
      const items = outcomes.map((o) => o.item as Record<string, unknown>);
      await refreshAllTimeHeads(doc, tableName, items);
      const twins = items.map((item) => {
        const racerId = item.racerId as string;
        return {
          ...item,
          ...allTimeKey(racerId, TWIN_CLASS_ID),
          classId: TWIN_CLASS_ID,
          ...allTimeIndexKeys(racerId, TWIN_CLASS_ID, item.bestOutput as number, item.totalOutput as number),
        };
      });
      const twinPut = await batchPutAll(doc, tableName, twins);
      if (twinPut.failed.length > 0) throw new Error(`seeding all-time twins: ${twinPut.failed.length} not written`);
    }

    progress('bundling resolvers');
    const runtime = createAppSyncRuntime({
      api: alleycatApiDefinition({
        schema: readFileSync(path.join(root, 'schema.graphql'), 'utf8'),
        bundles: await bundleResolvers(),
        dynamodb: { endpoint: ddbLocal.endpoint, tableName },
        environmentVariables: { STREAM_NAME: 'bench-unused' },
        auth: { apiKeys: [{ id: API_KEY, expiresAt: Date.now() + 86_400_000 }], iam: [] },
      }),
    });
    const headers = { 'x-api-key': API_KEY, 'content-type': 'application/json', host: '127.0.0.1' };

    async function read(name: string, query: string, variables: Record<string, unknown>, field: string) {
      const started = performance.now();
      const { statusCode, body } = await runtime.execute({ query, variables, headers });
      const elapsed = performance.now() - started;
      if (statusCode !== 200 || !('data' in body) || body.errors?.length)
        throw new Error(`${name} failed: ${JSON.stringify(body).slice(0, 300)}`);
      const page = body.data?.[field] as { items?: unknown[] } | undefined;
      if (page?.items?.length !== 100)
        throw new Error(`${name} returned ${page?.items?.length ?? 0} items, expected 100`);
      return { elapsed, page: JSON.stringify(page.items) };
    }

    /**
     * p95 of the page read from the head and of the same page read from the
     * shards (a twin without a head), reads taken in turns so that both see
     * the same machine load; the two pages must be equal.
     */
    async function measure(
      name: string,
      query: string,
      field: string,
      withHead: Record<string, unknown>,
      withoutHead: Record<string, unknown>,
    ): Promise<{ head: number; shards: number }> {
      const head: number[] = [];
      const shards: number[] = [];
      const warmup = 20;
      for (let i = 0; i < reads + warmup; i += 1) {
        const a = await read(name, query, withHead, field);
        const b = await read(`${name} (shards)`, query, withoutHead, field);
        if (a.page !== b.page) throw new Error(`${name}: the head's page differs from the shards' page`);
        if (i >= warmup) {
          head.push(a.elapsed);
          shards.push(b.elapsed);
        }
        if (i % 50 === 0) progress(`${name} ${i}/${reads + warmup}`);
      }
      return { head: percentile(head, 95), shards: percentile(shards, 95) };
    }

    const race = await measure(
      'raceResults',
      RACE_RESULTS,
      'raceResults',
      { classId: CLASS_ID, raceId: RACE_ID },
      { classId: CLASS_ID, raceId: TWIN_RACE_ID },
    );
    const allTime = await measure(
      'allTimeRankings',
      ALL_TIME,
      'allTimeRankings',
      { classId: CLASS_ID },
      { classId: TWIN_CLASS_ID },
    );
    doc.destroy();
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    const note = (sharded: number) =>
      `from the head, one GetItem; the same page from the 8 write shards ${round(
        sharded,
      )} ms, reads in turns; load ${load}`;
    return [
      {
        metric: 'query.raceResultsTop100P95Ms',
        value: round(race.head),
        unit: 'ms',
        target: 25,
        better: 'lower',
        note: note(race.shards),
      },
      {
        metric: 'query.allTimeTop100P95Ms',
        value: round(allTime.head),
        unit: 'ms',
        target: 25,
        better: 'lower',
        note: note(allTime.shards),
      },
    ];
  } finally {
    await ddbLocal.stop();
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
