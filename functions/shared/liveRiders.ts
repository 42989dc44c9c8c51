/**
 * The riders map of a LivePart item (agreed with the resolvers, which read it):
 * racerId → { output (kJ), second, name? }. Merging keeps the newest second of
 * each rider, so no write can move a rider backwards or drop another's riders.
 */
import { racerIdOfRiderMapKey, riderMapKey, scoreUnits } from '../../core/keys.js';
import { rankEntries } from '../../core/ranking.js';

export interface LiveRider {
  output: number;
  second: number;
  name?: string;
}

export type LiveRiders = Record<string, LiveRider>;

export interface LiveEntry {
  rank: number;
  racerId: string;
  name: string | null;
  output: number;
  second: number;
}

/**
 * A riders map without a prototype: racerIds are keys chosen by riders, and the
 * contract's alphabet allows `__proto__`, `constructor` and friends.
 */
export function emptyRiders(): LiveRiders {
  return Object.create(null) as LiveRiders;
}

function newer(a: LiveRider, b: LiveRider): boolean {
  if (a.second !== b.second) return a.second > b.second;
  return scoreUnits(a.output) > scoreUnits(b.output);
}

/**
 * Merges `incoming` into `existing` (neither is modified). `changed` is false
 * when the merge would write back exactly what is stored (a replay).
 */
export function mergeLiveRiders(existing: LiveRiders, incoming: LiveRiders): { riders: LiveRiders; changed: boolean } {
  const riders = Object.assign(emptyRiders(), existing);
  let changed = false;
  for (const [racerId, inc] of Object.entries(incoming)) {
    const old = riders[racerId];
    if (old === undefined || newer(inc, old)) {
      const name = inc.name ?? old?.name;
      riders[racerId] = name === undefined ? { output: inc.output, second: inc.second } : { ...inc, name };
      changed = true;
    } else if (old.name === undefined && inc.name !== undefined) {
      // An older part that knows the name: keep the progress, take the name.
      riders[racerId] = { ...old, name: inc.name };
      changed = true;
    }
  }
  return { riders, changed };
}

/** Merges every shard's part of a race and ranks it (contract §2 order, ties 1-2-2-4). */
export function rankLiveParts(parts: readonly LiveRiders[]): LiveEntry[] {
  let all = emptyRiders();
  for (const p of parts) all = mergeLiveRiders(all, p).riders;
  const scored = Object.entries(all).map(([racerId, r]) => ({
    racerId,
    name: r.name ?? null,
    output: r.output,
    second: r.second,
  }));
  return rankEntries(scored).map((e) => ({ rank: e.rank, racerId: e.racerId, name: e.name, output: e.output, second: e.second }));
}

/** The riders map of a stored LivePart item, keyed by racerId (an absent or odd map reads as empty). */
export function ridersOf(item: Record<string, unknown> | undefined): LiveRiders {
  const stored = item?.riders;
  const riders = emptyRiders();
  if (stored === null || typeof stored !== 'object') return riders;
  for (const [key, rider] of Object.entries(stored as Record<string, LiveRider>)) riders[racerIdOfRiderMapKey(key)] = rider;
  return riders;
}

/** The riders map as stored in a LivePart item (keys by riderMapKey). */
export function storedRiders(riders: LiveRiders): Record<string, LiveRider> {
  const stored: Record<string, LiveRider> = {};
  for (const [racerId, rider] of Object.entries(riders)) stored[riderMapKey(racerId)] = rider;
  return stored;
}
