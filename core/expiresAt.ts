/**
 * When a transient item may go: the table's TTL attribute (infra/settings.ts
 * TABLE.timeToLiveAttribute), epoch seconds, set by the code that writes the
 * item. Transient items are the working state of a running race (live parts,
 * the publish claim, the open-race marker); two weeks after their last write
 * no reader or writer needs them, and it is as long as a failed batch can be
 * re-driven (the stream's retention), so a re-drive never meets a race whose
 * working state has gone.
 */

/** Days a transient item outlives its last write. */
export const TRANSIENT_ITEM_DAYS = 14;

/** The `expiresAt` of an item written at `writtenAtMillis`. */
export function transientExpiresAt(writtenAtMillis: number): number {
  return Math.floor(writtenAtMillis / 1000) + TRANSIENT_ITEM_DAYS * 86_400;
}
