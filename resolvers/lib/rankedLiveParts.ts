/**
 * The ranked board of the live parts a live pipeline (getLiveParts,
 * getPreviousLiveParts, getMoreLiveParts) left in ctx.stash.parts, with the
 * newest updatedAt; null when there are none.
 */
import { util } from '@aws-appsync/utils';
import { decodeRiders, rankRiders, type LiveEntry, type LiveRiders } from '../../core/livePart.js';

export interface RankedLiveParts {
  classId: number;
  raceId: number;
  updatedAt: string;
  entries: LiveEntry[];
}

export function rankedLiveParts(stash: Record<string, unknown>): RankedLiveParts | null {
  const parts = (stash.parts ?? []) as Array<{ readonly riders?: unknown; readonly updatedAt?: unknown }>;
  if (parts.length === 0) return null;
  const riders: LiveRiders[] = [];
  let updatedAt = '';
  for (const part of parts) {
    // ISO-8601 UTC timestamps of one format order as strings.
    if (typeof part.updatedAt === 'string' && part.updatedAt > updatedAt) updatedAt = part.updatedAt;
    riders.push(decodeRiders(part.riders));
  }
  return {
    classId: stash.classId as number,
    raceId: stash.partsRaceId as number,
    updatedAt: updatedAt === '' ? util.time.nowISO8601() : updatedAt,
    entries: rankRiders(riders),
  };
}

/** Starts a live pipeline on the running race of `classId` (the race clock). */
export function startLivePipeline(stash: Record<string, unknown>, classId: number, raceId: number): void {
  stash.classId = classId;
  stash.currentRaceId = raceId;
  stash.parts = [];
  stash.partsRaceId = raceId;
}
