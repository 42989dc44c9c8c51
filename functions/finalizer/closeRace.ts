/**
 * Closing one race once its slot plus the grace period has passed: a
 * not-finished result for every rider seen live without a result, then the
 * summary from all results, then the OpenRace marker goes (unless a record
 * of the race was read meanwhile: then it stays, to close the race again).
 * Every step is idempotent, so two finalizer shards closing the same race at once, or a
 * retry after a crash half-way, end in the same items.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpenRace } from '../../core/openRace.js';
import { summarizeResults } from '../../core/raceSummary.js';
import { readLiveParts } from '../aggregator/livePartReads.js';
import { notFinishedResults } from './raceClosing.js';
import { deleteOpenRace, putNotFinishedAll, putRaceSummary, queryResults } from './raceStore.js';

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
  const written = await putNotFinishedAll(ddb, tableName, missing);
  // When every not-finished result went in, none of those riders got a final
  // since the read: the results are those read plus those written, and reading
  // ~1,000 of them again would return the same. When a condition failed, a
  // final landed meanwhile and it wins: read again. A final of a rider never
  // seen live that lands during the close is caught by the marker: its
  // finalizer moved `lastRecordAt` (every record of a due race touches it), so
  // the marker stays and the race is closed again with it.
  const results = written.alreadyHadResult === 0 ? [...before, ...missing] : await queryResults(ddb, tableName, race);
  const summary = summarizeResults(results);
  if (summary !== null) await putRaceSummary(ddb, tableName, race, summary, closedAt);
  const markerDeleted = await deleteOpenRace(ddb, tableName, race);
  return { notFinished: written.written, competitors: results.length, markerDeleted };
}
