/**
 * Closing one race once its slot plus the grace period has passed: a
 * not-finished result for every rider seen live without a result, then the
 * summary from all results, then the OpenRace marker goes (unless a record
 * of the race was read meanwhile: then it stays, to close the race again).
 * Every step is idempotent, so two finalizer shards closing the same race at once, or a
 * retry after a crash half-way, end in the same items.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readLiveParts } from '../shared/readLiveParts.js';
import type { OpenRace } from './raceClosing.js';
import { notFinishedResults, summarizeResults } from './raceClosing.js';
import { deleteOpenRace, putNotFinished, putRaceSummary, queryResults } from './raceStore.js';

export interface CloseRaceOutcome {
  notFinished: number;
  competitors: number;
  /** False when the marker stayed because a record of the race was read during the close. */
  markerDeleted: boolean;
}

export async function closeRace(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  race: OpenRace,
  closedAt: string,
): Promise<CloseRaceOutcome> {
  const [parts, before] = await Promise.all([
    readLiveParts(ddb, tableName, race.classId, race.raceId),
    queryResults(ddb, tableName, race),
  ]);
  const missing = notFinishedResults(race, parts, new Set(before.map((r) => r.racerId)));
  let notFinished = 0;
  let next = 0;
  // Conditional puts (BatchWriteItem takes no conditions), 16 at a time.
  await Promise.all(
    Array.from({ length: Math.min(16, missing.length) }, async () => {
      while (next < missing.length) {
        const item = missing[next];
        next += 1;
        if (item !== undefined && (await putNotFinished(ddb, tableName, item))) notFinished += 1;
      }
    }),
  );
  // Read again: a final record may have landed meanwhile, and it wins.
  const results = await queryResults(ddb, tableName, race);
  const summary = summarizeResults(results);
  if (summary !== null) await putRaceSummary(ddb, tableName, race, summary, closedAt);
  const markerDeleted = await deleteOpenRace(ddb, tableName, race);
  return { notFinished, competitors: results.length, markerDeleted };
}
