/**
 * The onLiveRankings event within AppSync's 240 KB subscription payload
 * limit: a board too large for it carries the top of the field (as many
 * riders as fit) and totalRiders. Viewers of large classes use onLiveBoard.
 */
import type { LiveRankingsInput } from './publishLiveRankings.js';

/** AppSync's limit on one subscription event. */
export const SUBSCRIPTION_EVENT_MAX_BYTES = 240 * 1024;

/** Room kept for the real-time envelope and the fields around the entries. */
const ENVELOPE_BYTES = 1024;

/** The snapshot, cut to the top of the field when the whole would pass `maxBytes`. */
export function capSnapshot(input: LiveRankingsInput, maxBytes = SUBSCRIPTION_EVENT_MAX_BYTES): LiveRankingsInput {
  const totalRiders = input.entries.length;
  const budget = maxBytes - ENVELOPE_BYTES;
  let used = 0;
  let fit = 0;
  for (const e of input.entries) {
    // Each entry plus its separating comma, as the event's JSON holds it.
    const size = Buffer.byteLength(JSON.stringify(e), 'utf8') + 1;
    if (used + size > budget) break;
    used += size;
    fit += 1;
  }
  return { ...input, entries: fit === totalRiders ? input.entries : input.entries.slice(0, fit), totalRiders };
}
