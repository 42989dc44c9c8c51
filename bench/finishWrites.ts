/**
 * The write path of one large class's finish on DynamoDB Local: a race's
 * results written as the close writes them (functions/finalizer/raceStore.ts
 * putResultsAll, ranks stored), then every result applied to its rider's
 * all-time item as the stream consumer applies it (functions/allTime
 * applyResult, 8 at a time as `maxConcurrentRecords`). Prints how long each
 * took and how many items each write-sharded partition received, which is
 * what DynamoDB's 1,000 WCU per partition per second bounds on AWS
 * (docs/scaling.md §4.2–4.3).
 *
 *   npx tsx bench/finishWrites.ts [riders=50000]
 */
import { loadavg } from 'node:os';
import { buildResultItem, type ResultItem } from '../core/resultItem.js';
import { localDynamoDb } from '../local/stack/clients.js';
import { ensureTable } from '../local/stack/resources.js';
import { startDynamoDbLocal } from '../local/emulators/dynamodbLocal.js';
import { createDocumentClient } from '../functions/runtime/documentClient.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../local/credentials.js';
import { putResultsAll } from '../functions/finalizer/raceStore.js';
import { withRanks } from '../functions/finalizer/withRanks.js';
import { applyResult } from '../functions/allTime/applyResult.js';
import { allTimeIndexKeys } from '../core/keys.js';
import { forEachLimited } from '../lib/concurrency.js';

const riders = Number(process.argv[2] ?? 50_000);
const CLASS_ID = 3;
const RACE_ID = 5_990_000;

function counts(keys: readonly string[]): { partitions: number; min: number; max: number } {
  const by = new Map<string, number>();
  for (const k of keys) by.set(k, (by.get(k) ?? 0) + 1);
  const values = [...by.values()];
  return { partitions: by.size, min: Math.min(...values), max: Math.max(...values) };
}

async function main(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  const tableName = 'finish-writes';
  const admin = localDynamoDb(dynamo.endpoint);
  await ensureTable(admin, tableName);
  admin.destroy();
  const ddb = createDocumentClient({
    region: LOCAL_REGION,
    endpoint: dynamo.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 3,
  });
  try {
    const results: ResultItem[] = withRanks(
      Array.from({ length: riders }, (_, i) =>
        buildResultItem({
          classId: CLASS_ID,
          raceId: RACE_ID,
          racerId: `rider-${String(i).padStart(6, '0')}`,
          name: `Rider ${i}`,
          output: Math.round(50_000 + Math.random() * 40_000) / 1000,
          lastSecond: 300,
          finished: true,
        }),
      ),
    );
    const load0 = loadavg();
    const t0 = performance.now();
    const written = await putResultsAll(ddb, tableName, results);
    const resultsMs = performance.now() - t0;
    const t1 = performance.now();
    await forEachLimited(results, 8, async (r) => {
      await applyResult(ddb, tableName, {
        classId: r.classId,
        raceId: r.raceId,
        racerId: r.racerId,
        output: r.output,
        finished: r.finished,
        ...(r.name === undefined ? {} : { name: r.name }),
      });
    });
    const allTimeMs = performance.now() - t1;
    const load1 = loadavg();
    const allTime = results.map((r) => allTimeIndexKeys(r.racerId, CLASS_ID, r.output, r.output));
    const report = {
      riders,
      written: written.written,
      resultsMs: Math.round(resultsMs),
      allTimeMs: Math.round(allTimeMs),
      resultBasePartitions: counts(results.map((r) => r.PK)),
      resultGsi1Partitions: counts(results.map((r) => r.GSI1PK)),
      allTimeBestPartitions: counts(allTime.map((k) => k.GSI1PK)),
      allTimeTotalPartitions: counts(allTime.map((k) => k.GSI2PK)),
      loadAverageBefore: load0.map((l) => l.toFixed(2)).join(' '),
      loadAverageAfter: load1.map((l) => l.toFixed(2)).join(' '),
    };
    console.log(JSON.stringify(report, null, 2));
  } finally {
    ddb.destroy();
    await dynamo.stop();
  }
}

await main();
