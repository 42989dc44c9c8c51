/**
 * The LivePublish marker of a race (PK RACE#<c>#<raceId>, SK LIVEPUB): the
 * progress of the last live snapshot a closer claimed to publish. Only the
 * aggregator reads and writes it (functions/aggregator/publishClaim.ts).
 */
import type { ITEM_LIVE_PUBLISH } from './keys.js';

/** A LivePublish marker as stored. */
export interface LivePublishItem {
  PK: string;
  SK: string;
  itemType: typeof ITEM_LIVE_PUBLISH;
  classId: number;
  raceId: number;
  /** snapshotProgress of the snapshot claimed. */
  progress: number;
  /** The shard whose closer claimed it. */
  claimant: string;
  claimedAt: string;
}

/**
 * The progress of a snapshot: the sum of its parts' versions. Every write of
 * a part adds one to its version and nothing else changes a part, so a later
 * read has at least the progress of an earlier one, and more exactly when a
 * part was written in between.
 */
export function snapshotProgress<T extends { readonly version: number }>(parts: readonly T[]): number {
  let sum = 0;
  for (const p of parts) sum = sum + p.version;
  return sum;
}
