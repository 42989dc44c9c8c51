/**
 * The LivePart item: one Kinesis shard's riders of one race (PK
 * RACE#<c>#<raceId>, SK LIVE#<shardId>). The aggregator writes it; the
 * finalizer and the liveRankings resolver read it. This is the one codec and
 * the one merge rule all of them run, hence APPSYNC_JS-safe.
 *
 * `riders` is one JSON string `{ riderMapKey(racerId): [second, output, name?, flags?] }`
 * (flags: the rider's fair-play flag mask, core/fairPlay.ts; name null when a
 * flagged rider has none):
 * a part is written and read whole, so DynamoDB gains nothing from a map's
 * structure, and a string is cheaper to marshal and smaller
 * (docs/data-model.md). A map `{ riderMapKey: { output, second, name? } }`,
 * which some stored parts hold, reads the same.
 *
 * Riders are kept by their rider map key (core/keys.ts), not by racerId: the
 * racerId `__proto__` as an ordinary object's key would set its prototype.
 * Lookups use Object.hasOwn, so ids like `constructor` are ordinary keys too.
 */
import { transientExpiresAt } from './expiresAt.js';
import { ITEM_LIVE_PART, livePartKey, racerIdOfRiderMapKey, scoreUnits } from './keys.js';
import { flagNames } from './fairPlay.js';
import type { FairPlayRule } from './fairPlay.js';
import { rankEntries } from './ranking.js';

/** One rider's progress in a race. */
export interface LiveRider {
  readonly output: number;
  readonly second: number;
  readonly name?: string;
  /** Fair-play flag mask (core/fairPlay.ts); absent or 0 for a rider who broke no rule. */
  readonly flags?: number;
}

/** A part's riders by rider map key (core/keys.ts riderMapKey). */
export type LiveRiders = Record<string, LiveRider>;

/**
 * A rider in the stored string: `[second, output]`, `[second, output, name]` once the name is
 * known, `[second, output, name | null, flags]` once the rider is flagged.
 */
export type StoredRider = [number, number] | [number, number, string] | [number, number, string | null, number];

/** A LivePart item as stored. */
export interface LivePartItem {
  readonly PK: string;
  readonly SK: string;
  readonly itemType: typeof ITEM_LIVE_PART;
  readonly classId: number;
  readonly raceId: number;
  readonly shardId: string;
  /** encodeRiders of the part's riders. */
  readonly riders: string;
  /** Writes the part has had: the writer's optimistic-concurrency check, and a snapshot's progress. */
  readonly version: number;
  /** ISO-8601 UTC time of the last write. */
  readonly updatedAt: string;
  /** TTL (epoch seconds): a part is working state of a running race (core/expiresAt.ts). */
  readonly expiresAt: number;
  /** Epoch ms of the newest tumbling window the shard closed for the race (never moves backwards; page 0 only). */
  readonly windowStart?: number;
  /** The page of the shard's part (core/livePartPages.ts); absent on page 0. */
  readonly page?: number;
  /**
   * The shard's window watermark as of this write (core/shardWatermark.ts;
   * page 0 of the part that carries it): the end of the newest window it
   * closed, every race included, so that the part write also tells the other
   * closers how far the shard is.
   */
  readonly closedEnd?: number;
  /** The races the shard closed lately, with the end of the last window it closed each in (page 0 only). */
  readonly races?: Record<string, number>;
}

/** The shard's watermark a part's page 0 carries. */
export interface PartWatermark {
  closedEnd: number;
  races: Record<string, number>;
}

/** One rider of a ranked live snapshot. */
export interface LiveEntry {
  rank: number;
  racerId: string;
  name: string | null;
  output: number;
  second: number;
  /** The fair-play rules the rider broke (empty for most). */
  flags: FairPlayRule[];
}

/** The stored item of a part. */
export function buildLivePartItem(p: {
  classId: number;
  raceId: number;
  shardId: string;
  riders: LiveRiders;
  version: number;
  updatedAt: string;
  windowStart?: number;
  page?: number;
  watermark?: PartWatermark;
}): LivePartItem {
  const page = p.page ?? 0;
  const key = livePartKey(p.classId, p.raceId, p.shardId, page);
  const item: LivePartItem = {
    PK: key.PK,
    SK: key.SK,
    itemType: ITEM_LIVE_PART,
    classId: p.classId,
    raceId: p.raceId,
    shardId: p.shardId,
    riders: encodeRiders(p.riders),
    version: p.version,
    updatedAt: p.updatedAt,
    expiresAt: transientExpiresAt(Date.parse(p.updatedAt)),
  };
  const paged: LivePartItem = page === 0 ? item : { ...item, page };
  const windowed = p.windowStart === undefined ? paged : { ...paged, windowStart: p.windowStart };
  return p.watermark === undefined || page !== 0
    ? windowed
    : { ...windowed, closedEnd: p.watermark.closedEnd, races: p.watermark.races };
}

/**
 * The newer of two records of a rider: the larger second; at equal seconds
 * the larger output, so that the outcome does not depend on arrival order.
 */
export function isNewerRider(a: LiveRider, b: LiveRider): boolean {
  if (a.second !== b.second) return a.second > b.second;
  return scoreUnits(a.output) > scoreUnits(b.output);
}

/** The merge of two sets of riders; `changed` is false when it equals `existing` (a replay). */
export interface MergedRiders {
  riders: LiveRiders;
  changed: boolean;
}

/**
 * Merges `incoming` into `existing` (neither is modified): each rider's newer
 * record wins, so no write can move a rider backwards or drop another's
 * riders. A name is kept from whichever record has one (names ride on a few
 * records only).
 */
export function mergeRiders(existing: LiveRiders, incoming: LiveRiders): MergedRiders {
  const riders: LiveRiders = Object.assign({}, existing);
  return { riders, changed: mergeInto(riders, incoming) };
}

/** Every part's riders merged by mergeRiders' rule into one new set (none of the parts is modified). */
export function mergeAllRiders(parts: readonly LiveRiders[]): LiveRiders {
  // One set merged into in place: copying the growing set per part would be quadratic in the parts.
  const all: LiveRiders = {};
  for (const part of parts) mergeInto(all, part);
  return all;
}

/** Merges `incoming` into `riders` in place; true when `riders` changed. */
function mergeInto(riders: LiveRiders, incoming: LiveRiders): boolean {
  let changed = false;
  for (const key of Object.keys(incoming)) {
    const inc = incoming[key] as LiveRider;
    const old = Object.hasOwn(riders, key) ? riders[key] : undefined;
    const oldFlags = old === undefined ? 0 : old.flags ?? 0;
    // Flags are sticky: once broken, a rule stays broken whichever record wins.
    const flags = oldFlags | (inc.flags ?? 0);
    if (old === undefined || isNewerRider(inc, old)) {
      const name = inc.name ?? (old === undefined ? undefined : old.name);
      riders[key] = liveRider(inc.second, inc.output, name, flags);
      changed = true;
    } else if ((old.name === undefined && inc.name !== undefined) || flags !== oldFlags) {
      riders[key] = liveRider(old.second, old.output, old.name ?? inc.name, flags);
      changed = true;
    }
  }
  return changed;
}

/** A rider's record, without the optional fields it does not have. */
export function liveRider(second: number, output: number, name: string | undefined, flags: number): LiveRider {
  if (flags !== 0) return name === undefined ? { output, second, flags } : { output, second, name, flags };
  return name === undefined ? { output, second } : { output, second, name };
}

/** The `riders` attribute of a part. */
export function encodeRiders(riders: LiveRiders): string {
  const stored: Record<string, StoredRider> = {};
  for (const key of Object.keys(riders)) {
    const r = riders[key] as LiveRider;
    const flags = r.flags ?? 0;
    if (flags !== 0) stored[key] = [r.second, r.output, r.name ?? null, flags];
    else stored[key] = r.name === undefined ? [r.second, r.output] : [r.second, r.output, r.name];
  }
  return JSON.stringify(stored);
}

function isStoredRider(value: unknown): value is StoredRider {
  return (
    Array.isArray(value) &&
    typeof value[0] === 'number' &&
    typeof value[1] === 'number' &&
    (value.length === 2 ||
      (value.length === 3 && typeof value[2] === 'string') ||
      (value.length === 4 && (typeof value[2] === 'string' || value[2] === null) && typeof value[3] === 'number'))
  );
}

function isMapRider(value: unknown): value is LiveRider {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return typeof r.output === 'number' && typeof r.second === 'number';
}

/**
 * The riders of a part's `riders` attribute: the JSON string encodeRiders
 * writes, or a map of riders. An absent or odd value reads as no riders and
 * an odd rider is skipped (the next write of the part replaces them).
 *
 * On text that is not JSON, APPSYNC_JS's JSON.parse answers '' (no riders)
 * where Node's throws a SyntaxError: Node callers catch it and read no riders.
 */
export function decodeRiders(attribute: unknown): LiveRiders {
  const riders: LiveRiders = {};
  if (typeof attribute === 'string') {
    const parsed: unknown = JSON.parse(attribute);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return riders;
    const stored = parsed as Record<string, unknown>;
    for (const key of Object.keys(stored)) {
      const value = stored[key];
      if (isStoredRider(value)) {
        const name = typeof value[2] === 'string' ? value[2] : undefined;
        riders[key] = liveRider(value[0], value[1], name, value.length === 4 ? value[3] : 0);
      }
    }
    return riders;
  }
  if (attribute === null || typeof attribute !== 'object' || Array.isArray(attribute)) return riders;
  const map = attribute as Record<string, unknown>;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (isMapRider(value)) {
      riders[key] =
        typeof value.name === 'string'
          ? { output: value.output, second: value.second, name: value.name }
          : { output: value.output, second: value.second };
    }
  }
  return riders;
}

/** Merges every shard's part of a race and ranks the riders (see core/ranking.ts). */
export function rankRiders(parts: readonly LiveRiders[]): LiveEntry[] {
  const all = mergeAllRiders(parts);
  const scored: Array<{ racerId: string; name: string | null; output: number; second: number; flags: number }> = [];
  for (const key of Object.keys(all)) {
    const r = all[key] as LiveRider;
    scored.push({
      racerId: racerIdOfRiderMapKey(key),
      name: r.name ?? null,
      output: r.output,
      second: r.second,
      flags: r.flags ?? 0,
    });
  }
  const entries: LiveEntry[] = [];
  for (const e of rankEntries(scored)) {
    entries.push({
      rank: e.rank,
      racerId: e.racerId,
      name: e.name,
      output: e.output,
      second: e.second,
      flags: flagNames(e.flags),
    });
  }
  return entries;
}
