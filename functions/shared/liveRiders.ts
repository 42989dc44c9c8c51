/**
 * The riders of a LivePart item (agreed with the resolvers, which read it):
 * racerId → { output (kJ), second, name? }, stored as one JSON string (see
 * storedRiders). Merging keeps the newest second of each rider, so no write
 * can move a rider backwards or drop another's riders.
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
  return rankEntries(scored).map((e) => ({
    rank: e.rank,
    racerId: e.racerId,
    name: e.name,
    output: e.output,
    second: e.second,
  }));
}

/** A rider in the stored string: `[second, output]`, or `[second, output, name]` once the name is known. */
export type StoredRider = [number, number] | [number, number, string];

function parsedRiders(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    // Not written by storedRiders: read as no riders, like any other odd value (the next window's write replaces it).
    return undefined;
  }
}

function isStoredRider(value: unknown): value is StoredRider {
  return (
    Array.isArray(value) &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    (value.length === 2 || (value.length === 3 && typeof value[2] === 'string'))
  );
}

/**
 * The riders of a stored LivePart item, keyed by racerId: the JSON string
 * storedRiders writes, or the map of `{ output, second, name? }` parts held
 * before it (an absent or odd value reads as empty; an odd rider is skipped).
 */
export function ridersOf(item: Record<string, unknown> | undefined): LiveRiders {
  const raw = item?.riders;
  const riders = emptyRiders();
  if (typeof raw === 'string') {
    const stored = parsedRiders(raw);
    if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return riders;
    for (const [key, value] of Object.entries(stored)) {
      if (!isStoredRider(value)) continue;
      const [second, output, name] = value;
      riders[racerIdOfRiderMapKey(key)] = name === undefined ? { output, second } : { output, second, name };
    }
    return riders;
  }
  if (raw === null || typeof raw !== 'object') return riders;
  for (const [key, rider] of Object.entries(raw as Record<string, LiveRider>))
    riders[racerIdOfRiderMapKey(key)] = rider;
  return riders;
}

/**
 * The riders as stored in a LivePart item: one JSON string of
 * `{ riderMapKey(racerId): [second, output, name?] }`. A part is written whole
 * and read whole, never updated rider by rider, so DynamoDB gains nothing
 * from seeing its structure, while a map of 250 riders is 1,250 typed
 * attribute values that every PutItem and Query marshals, parses and
 * validates — on DynamoDB Local a window's 24 concurrent writes (6 classes ×
 * 4 shards) took 264–553 ms as maps and 109–175 ms as strings, its 24
 * projected reads 150–296 ms and 80–128 ms (6 warm rounds each). The string is also
 * smaller: about 45 bytes per named rider where the map counted about 60.
 */
export function storedRiders(riders: LiveRiders): string {
  const stored: Record<string, StoredRider> = {};
  for (const [racerId, r] of Object.entries(riders))
    stored[riderMapKey(racerId)] = r.name === undefined ? [r.second, r.output] : [r.second, r.output, r.name];
  return JSON.stringify(stored);
}
