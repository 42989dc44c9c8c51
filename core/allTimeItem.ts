/**
 * The AllTime item: a rider's all-time stats in one class (PK RACER#<id>,
 * SK CLASS#<c>), indexed by GSI1 (ALLTIME#<c>#BEST, by personal best) and
 * GSI2 (ALLTIME#<c>#TOTAL, by total output). The all-time consumer keeps it
 * with conditional updates (functions/allTime/allTimeUpdates.ts); the
 * allTimeRankings and racer resolvers read it.
 */
import type { ITEM_ALLTIME } from './keys.js';

/** The stats the API shows, per rider and class. */
export interface AllTimeStats {
  classId: number;
  /** Personal best output in kJ, and the race it was ridden in. */
  bestOutput: number;
  bestRaceId: number;
  /** Races with a result (finished or not). */
  racesCompleted: number;
  totalOutput: number;
  /** The newest race counted. */
  lastRaceId: number;
}

/** An AllTime item as stored. */
export interface AllTimeItem extends AllTimeStats {
  PK: string;
  SK: string;
  itemType: typeof ITEM_ALLTIME;
  racerId: string;
  /** The rider's latest display name, if they sent one. */
  name?: string;
  /** Race ids counted (a string set): makes counting a result idempotent. */
  countedRaces: ReadonlySet<string>;
  /** Stream sequence numbers of the result changes applied (a string set). */
  appliedChanges?: ReadonlySet<string>;
  GSI1PK: string;
  GSI1SK: string;
  GSI2PK: string;
  GSI2SK: string;
}

/** The stats of an item, without its keys and bookkeeping. */
export function allTimeStatsOf(item: AllTimeStats): AllTimeStats {
  return {
    classId: item.classId,
    bestOutput: item.bestOutput,
    bestRaceId: item.bestRaceId,
    racesCompleted: item.racesCompleted,
    totalOutput: item.totalOutput,
    lastRaceId: item.lastRaceId,
  };
}
