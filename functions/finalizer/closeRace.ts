/**
 * Closing one race once its slot plus the grace period has passed: the
 * race's results, each written once (from the rider's pending final or last
 * live data, with fair-play flags), then the race's head (its first 100
 * results ranked, functions/finalizer/raceHead.ts), then the summary from all results, then
 * the OpenRace marker goes (unless a record of the race was read meanwhile:
 * then it stays and the race is looked at again). A race whose summary
 * exists was closed before: its results are final, nothing is written, and
 * pending finals that came too late are only counted. A pending final of a
 * rider the live parts do not hold becomes a result only if the race admitted
 * the rider (admittedFinals.ts): it was kept while the race had room, and the
 * aggregator may have refused the rider when closing the window, for a full
 * race or for joining after the join cutoff.
 * Every step is idempotent, so two finalizer shards closing the same race at once, or a
 * retry after a crash half-way, end in the same items. That is also how a
 * large race closes within the function's time: results are written until a
 * deadline (and for at least MIN_WRITING_MS once the race is read); those
 * left wait for the next close of the race (the claim is given up, the
 * marker stays), which reads what is written and goes on.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OpenRace } from '../../core/openRace.js';
import { summarizeResults } from '../../core/raceSummary.js';
import { withRanks } from './withRanks.js';
import { buildRaceHead, putRaceHead } from './raceHead.js';
import { readLiveParts } from '../aggregator/livePartReads.js';
import { racerIdOfRiderMapKey } from '../../core/keys.js';
import { closingResults } from './raceClosing.js';
import { admittedFinals } from './admittedFinals.js';
import {
  deleteOpenRace,
  isRaceClosed,
  putRaceSummary,
  putResultsAll,
  queryPendingFinals,
  queryResults,
  releaseRaceClose,
} from './raceStore.js';

/** How long a close may start writing results after reading the race, whatever its deadline. */
export const MIN_WRITING_MS = 10_000;

export interface CloseRaceOutcome {
  /** Results this close wrote. */
  written: number;
  notFinished: number;
  competitors: number;
  /** Results written by this close that carry fair-play flags. */
  flagged: number;
  /** Pending finals that have no finished result of theirs in a race already closed: refused. */
  lateFinals: number;
  /** Pending finals of riders the race did not admit (full, or joined late): no result. */
  notAdmitted: number;
  /** False when the marker stayed because a record of the race was read during the close. */
  markerDeleted: boolean;
  /** False when the deadline came before every result was written: the next close of the race goes on. */
  complete: boolean;
}

export async function closeRace(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  race: OpenRace,
  closedAt: string,
  deadline = Number.POSITIVE_INFINITY,
  now: () => number = Date.now,
): Promise<CloseRaceOutcome> {
  const [closed, parts, pendings, before] = await Promise.all([
    isRaceClosed(ddb, tableName, race),
    readLiveParts(ddb, tableName, race.classId, race.raceId),
    queryPendingFinals(ddb, tableName, race),
    queryResults(ddb, tableName, race),
  ]);
  if (closed) {
    const finished = new Map(before.filter((r) => r.finished).map((r) => [r.racerId, r.output]));
    const lateFinals = pendings.filter((p) => finished.get(p.racerId) !== p.output).length;
    const markerDeleted = await deleteOpenRace(ddb, tableName, race);
    return {
      written: 0,
      notFinished: 0,
      competitors: before.length,
      flagged: 0,
      lateFinals,
      notAdmitted: 0,
      markerDeleted,
      complete: true,
    };
  }
  // Every rider on a live page was admitted; only finals of riders on none need the admission read.
  const live = new Set(parts.flatMap((p) => Object.keys(p).map(racerIdOfRiderMapKey)));
  const gate = await admittedFinals(
    ddb,
    tableName,
    pendings.filter((p) => !live.has(p.racerId)),
    (p) => ({ classId: race.classId, raceId: race.raceId, racerId: p.racerId }),
    undefined,
    true,
  );
  const unknown = gate.unknown[0];
  if (unknown !== undefined) throw unknown.error;
  const kept = [...pendings.filter((p) => live.has(p.racerId)), ...gate.admitted];
  const have = new Set(before.map((r) => r.racerId));
  // Ranks are counted over every result of the race, those a previous close wrote included.
  const missing = withRanks([
    ...before,
    ...closingResults(race, parts, kept).filter((r) => !have.has(r.racerId)),
  ]).filter((r) => !have.has(r.racerId));
  // However long the reads took, a close writes for a while, so that every close of a large race gets on.
  const written = await putResultsAll(
    ddb,
    tableName,
    missing,
    undefined,
    Math.max(deadline, now() + MIN_WRITING_MS),
    now,
  );
  if (written.left > 0) {
    // The results are tried in order, so those tried are the first ones.
    const tried = missing.slice(0, missing.length - written.left);
    await releaseRaceClose(ddb, tableName, race);
    return {
      written: written.written,
      notFinished: tried.filter((r) => !r.finished).length,
      competitors: 0,
      flagged: tried.filter((r) => r.flags !== undefined).length,
      lateFinals: 0,
      // Counted by the close that completes the race.
      notAdmitted: 0,
      markerDeleted: false,
      complete: false,
    };
  }
  // When every result went in, the results are those read plus those written; reading ~1,000 of
  // them again would return the same. When a condition failed, another closer wrote first: read again.
  const results = written.alreadyHadResult === 0 ? [...before, ...missing] : await queryResults(ddb, tableName, race);
  // The head before the summary: once the race is listed, its first page reads in one GetItem.
  if (results.length > 0) await putRaceHead(ddb, tableName, buildRaceHead(race, withRanks(results), closedAt));
  const summary = summarizeResults(results);
  if (summary !== null) await putRaceSummary(ddb, tableName, race, summary, closedAt);
  const markerDeleted = await deleteOpenRace(ddb, tableName, race);
  return {
    written: written.written,
    notFinished: missing.filter((r) => !r.finished).length,
    competitors: results.length,
    flagged: missing.filter((r) => r.flags !== undefined).length,
    lateFinals: 0,
    notAdmitted: gate.refused.length,
    markerDeleted,
    complete: true,
  };
}
