/**
 * The live ranking of a race is the merge of its LivePart items, one per
 * Kinesis shard (docs/data-model.md). A rider normally lives in one part; after
 * a reshard they can appear in two, and the newer data (larger second) wins.
 *
 * Sorting: APPSYNC_JS's Array.prototype.sort takes no comparator, so we sort
 * rankKey strings (core/keys.ts), whose plain string order is the contract's
 * order (output descending, then racerId ascending), and map back.
 * Pure and APPSYNC_JS-safe.
 */
import { racerIdOfRiderMapKey, rankKey, scoreUnits } from '../../core/keys.js';
import type { LiveEntry } from '../../core/generated/schema.js';
import { FIRST_PAGE, rankPage } from './ranks.js';

/** One rider in a LivePart item's `riders` map. */
export interface LiveRider {
  readonly output: number;
  readonly second: number;
  readonly name?: string | null;
}

/**
 * A LivePart item (PK RACE#c#raceId, SK LIVE#shardId) as DynamoDB returns it:
 * `riders` is a JSON string (functions/shared/liveRiders.ts storedRiders), or
 * the map of LiveRider that parts written before it hold.
 */
export interface LivePartItem {
  readonly riders?: string | Record<string, LiveRider> | null;
  readonly updatedAt?: string | null;
}

/** The merged snapshot: every rider ranked, and the newest part's time. */
export interface MergedLive {
  readonly entries: LiveEntry[];
  readonly updatedAt: string;
}

/** The aggregator's rule (functions/shared/liveRiders.ts): newer second, then larger output. */
function newer(a: LiveRider, b: LiveRider): boolean {
  if (a.second !== b.second) return a.second > b.second;
  return scoreUnits(a.output) > scoreUnits(b.output);
}

/**
 * The riders of a part as `{ key: LiveRider }`: parsed from the JSON string
 * of `{ key: [second, output, name?] }` the aggregator writes, or the map
 * older parts hold. APPSYNC_JS's JSON.parse answers '' for invalid JSON,
 * which reads as no riders.
 */
function ridersMap(part: LivePartItem): Record<string, LiveRider> {
  const raw = part.riders;
  if (typeof raw !== 'string') return raw ?? {};
  const parsed: unknown = JSON.parse(raw);
  if (parsed === null || typeof parsed !== 'object') return {};
  const tuples = parsed as Record<string, readonly unknown[] | null>;
  const out: Record<string, LiveRider> = {};
  for (const key of Object.keys(tuples)) {
    const t = tuples[key];
    if (t !== null && t !== undefined && typeof t[0] === 'number' && typeof t[1] === 'number') {
      out[key] = { second: t[0], output: t[1], name: typeof t[2] === 'string' ? t[2] : null };
    }
  }
  return out;
}

/** Merges the parts of one race; null when there are none. */
export function mergeLiveParts(parts: readonly LivePartItem[]): MergedLive | null {
  if (parts.length === 0) return null;
  // Keyed by '#' + racerId: a racerId may legally be "__proto__".
  const riders: Record<string, LiveRider> = {};
  const ids: string[] = [];
  let updatedAt = '';
  for (const part of parts) {
    // ISO-8601 UTC timestamps of one format order as strings.
    if (typeof part.updatedAt === 'string' && part.updatedAt > updatedAt) updatedAt = part.updatedAt;
    const map = ridersMap(part);
    for (const key of Object.keys(map)) {
      const rider = map[key];
      const racerId = racerIdOfRiderMapKey(key);
      const slot = `#${racerId}`;
      const seen = Object.hasOwn(riders, slot) ? riders[slot] : undefined;
      if (rider !== undefined && rider !== null) {
        if (seen === undefined) ids.push(racerId);
        if (seen === undefined || newer(rider, seen)) {
          // A part that has not seen the rider's name keeps the one another part has.
          const name = rider.name ?? (seen === undefined ? null : seen.name);
          riders[slot] = { output: rider.output, second: rider.second, name };
        }
      }
    }
  }
  const byKey: Record<string, string> = {};
  const keys: string[] = [];
  for (const racerId of ids) {
    const rider = riders[`#${racerId}`] as LiveRider;
    const key = rankKey(rider.output, racerId);
    byKey[key] = racerId;
    keys.push(key);
  }
  keys.sort();
  const outputs: number[] = [];
  const order: string[] = [];
  for (const key of keys) {
    const racerId = byKey[key] as string;
    order.push(racerId);
    outputs.push((riders[`#${racerId}`] as LiveRider).output);
  }
  const ranks = rankPage(outputs, FIRST_PAGE).ranks;
  const entries: LiveEntry[] = [];
  let i = 0;
  for (const racerId of order) {
    const rider = riders[`#${racerId}`] as LiveRider;
    entries.push({
      rank: ranks[i] as number,
      racerId,
      name: rider.name ?? null,
      output: rider.output,
      second: rider.second,
    });
    i = i + 1;
  }
  return { entries, updatedAt };
}
