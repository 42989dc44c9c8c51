/**
 * The Result item: one rider's result in one race (PK RACE#<c>#<raceId>,
 * SK RESULT#<racerId>), indexed by GSI1 (the race's results by output) and
 * GSI2 (the rider's results, newest first). The finalizer writes it; the
 * all-time consumer reads it off the table stream; the raceResults and racer
 * resolvers read it.
 */
import type { FairPlayRule } from './fairPlay.js';
import { ITEM_RESULT, racerResultsIndexKeys, resultKey, resultRankIndexKeys } from './keys.js';

/** What a result says. */
export interface ResultFacts {
  classId: number;
  raceId: number;
  racerId: string;
  name?: string;
  /** Output in kJ: of the final record, or the last live data when the rider did not finish. */
  output: number;
  lastSecond: number;
  /** False for a rider seen live who sent no valid final record before the race closed. */
  finished: boolean;
  /** The fair-play rules the rider broke in the race (core/fairPlay.ts); absent when none. */
  flags?: FairPlayRule[];
  /**
   * The rider's rank and place in the ranking order (1-based) among the race's
   * results, set by the close that writes them all (results never change
   * afterwards): a reader starting at this rider continues ranks from here.
   */
  rank?: number;
  position?: number;
}

export type ResultItem = ResultFacts & {
  PK: string;
  SK: string;
  itemType: typeof ITEM_RESULT;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK: string;
  GSI2SK: string;
};

/** The stored item of a result. */
export function buildResultItem(f: ResultFacts): ResultItem {
  const item: ResultItem = {
    ...resultKey(f.classId, f.raceId, f.racerId),
    itemType: ITEM_RESULT,
    classId: f.classId,
    raceId: f.raceId,
    racerId: f.racerId,
    output: f.output,
    lastSecond: f.lastSecond,
    finished: f.finished,
    ...resultRankIndexKeys(f.classId, f.raceId, f.racerId, f.output),
    ...racerResultsIndexKeys(f.racerId, f.classId, f.raceId),
  };
  if (f.name !== undefined) item.name = f.name;
  if (f.flags !== undefined && f.flags.length > 0) item.flags = f.flags;
  if (f.rank !== undefined) item.rank = f.rank;
  if (f.position !== undefined) item.position = f.position;
  return item;
}
