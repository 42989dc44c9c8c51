/**
 * query.raceResultsTop100P95Ms and query.allTimeTop100P95Ms: the top-100 page
 * of a race's results and of a class's all-time ranking, read through the
 * local AppSync runtime's `execute` (auth, graphql-js, the APPSYNC_JS bundles,
 * DynamoDB Local), p95 over repeated reads. Seeds 1,000 results with the
 * finalizer's own item builder and 1,000 all-time items with the all-time
 * consumer's own `applyResult` (so the items have exactly the production shape).
 * `--quick` seeds 150 all-time items instead of 1,000 (three conditional
 * updates each is the slow part; 150 still fill a 100-item page) and reads
 * each page 100 times instead of 1,000.
 */
import { readFileSync } from 'node:fs';
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
import { createDocumentClient } from '../functions/runtime/documentClient.js';
import { bundleResolvers } from '../resolvers/build.js';
import { alleycatApiDefinition } from '../local/stack/apiDefinition.js';
import type { BenchOptions, BenchResult } from './types.js';
import { percentile } from './stats.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ITEMS = 1_000;
const CLASS_ID = 2;
const RACE_ID = 5_877_000;
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
    const results = Array.from({ length: ITEMS }, (_, i) =>
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
    const put = await batchPutAll(doc, tableName, results);
    if (put.failed.length > 0) throw new Error(`seeding results: ${put.failed.length} items not written`);

    const allTimeItems = opts.quick ? 150 : ITEMS;
    progress(`seeding ${allTimeItems} all-time items`);
    for (let start = 0; start < allTimeItems; start += 100) {
      await Promise.all(
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

    async function measure(
      name: string,
      query: string,
      variables: Record<string, unknown>,
      field: string,
    ): Promise<number> {
      const timings: number[] = [];
      const warmup = 20;
      for (let i = 0; i < reads + warmup; i += 1) {
        const started = performance.now();
        const { statusCode, body } = await runtime.execute({ query, variables, headers });
        const elapsed = performance.now() - started;
        if (statusCode !== 200 || !('data' in body) || body.errors?.length)
          throw new Error(`${name} failed: ${JSON.stringify(body).slice(0, 300)}`);
        const page = body.data?.[field] as { items?: unknown[] } | undefined;
        if (page?.items?.length !== 100)
          throw new Error(`${name} returned ${page?.items?.length ?? 0} items, expected 100`);
        if (i >= warmup) timings.push(elapsed);
        if (i % 50 === 0) progress(`${name} ${i}/${reads + warmup}`);
      }
      return percentile(timings, 95);
    }

    const raceP95 = await measure('raceResults', RACE_RESULTS, { classId: CLASS_ID, raceId: RACE_ID }, 'raceResults');
    const allTimeP95 = await measure('allTimeRankings', ALL_TIME, { classId: CLASS_ID }, 'allTimeRankings');
    doc.destroy();
    return [
      { metric: 'query.raceResultsTop100P95Ms', value: round(raceP95), unit: 'ms', target: 25, better: 'lower' },
      { metric: 'query.allTimeTop100P95Ms', value: round(allTimeP95), unit: 'ms', target: 25, better: 'lower' },
    ];
  } finally {
    await ddbLocal.stop();
  }
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
