/** Which of two live snapshots is newer: a later race, then a later updatedAt. */
import type { LiveRankings } from '../data/types.js';

export function isNewer(candidate: LiveRankings, current: LiveRankings | null): boolean {
  if (!current) return true;
  if (candidate.classId !== current.classId) return true;
  if (candidate.raceId !== current.raceId) return candidate.raceId > current.raceId;
  return Date.parse(candidate.updatedAt) > Date.parse(current.updatedAt);
}
