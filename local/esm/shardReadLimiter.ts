/**
 * Kinesis allows at most 5 GetRecords calls per second per shard, shared by
 * every consumer polling it (Kinesis developer guide). All local mappings of
 * one stream share this limiter, so together they never poll a shard faster
 * than AWS allows.
 */

/** Minimum spacing of GetRecords calls on one shard: 5 per second. */
export const GET_RECORDS_SPACING_MS = 200;

const nextAllowed = new Map<string, number>();

/**
 * Waits until a GetRecords call on `shardKey` (stream ARN + shard id) is
 * allowed, and reserves that slot. Callers in the same process queue up.
 */
export async function awaitShardReadSlot(
  shardKey: string,
  now: () => number = Date.now,
  spacingMs = GET_RECORDS_SPACING_MS,
): Promise<void> {
  const t = now();
  const slot = Math.max(t, nextAllowed.get(shardKey) ?? 0);
  nextAllowed.set(shardKey, slot + spacingMs);
  if (slot > t) await new Promise((resolve) => setTimeout(resolve, slot - t));
}
