/**
 * The head of a write-sharded ranking: its first RANKING_HEAD_SIZE entries in
 * ranking order, kept in one item (core/keys.ts rankingHeadKey: PK the
 * ranking's scope, SK HEAD), so that the first page — what almost every
 * reader asks for — is one GetItem instead of one Query per write shard
 * (docs/scaling.md §4.4). The finalizer writes a race's head when it closes
 * the race (results never change afterwards); the all-time consumer keeps
 * each class's two heads as it applies results (functions/allTime/rankingHeads.ts).
 *
 * The entries are the index items a reader would have read from the shards,
 * cut to the attributes the API shows and the sort key, in sort-key order,
 * stored as one JSON string (one attribute to marshal, like the live parts).
 * APPSYNC_JS-safe: the resolvers decode and page it.
 */
import type { ITEM_RANKING_HEAD } from './keys.js';

/** Entries a head holds: the default page size of the ranked queries. */
export const RANKING_HEAD_SIZE = 100;

/** The attributes a head keeps of a result (what raceResults shows, and its sort key). */
export const RESULT_HEAD_FIELDS: readonly string[] = [
  'racerId',
  'name',
  'output',
  'classId',
  'raceId',
  'finished',
  'lastSecond',
  'flags',
  'rank',
  'position',
  'GSI1SK',
];

/** The attributes a head keeps of an all-time item (what allTimeRankings shows, and both sort keys). */
export const ALLTIME_HEAD_FIELDS: readonly string[] = [
  'racerId',
  'name',
  'classId',
  'bestOutput',
  'bestRaceId',
  'racesCompleted',
  'totalOutput',
  'lastRaceId',
  'GSI1SK',
  'GSI2SK',
];

/** A head as stored. */
export interface RankingHeadItem {
  PK: string;
  SK: string;
  itemType: typeof ITEM_RANKING_HEAD;
  /** JSON array of the entries, in ranking (sort-key) order. */
  entries: string;
  /** True when the ranking holds more than these entries. */
  more: boolean;
  /** Every write adds one (the all-time consumer's heads are written on this condition). */
  version: number;
  updatedAt: string;
}

/** One entry of a head: the listed attributes of an index item, those it has. */
export function headEntry(item: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  for (const field of fields) {
    const value = item[field];
    if (value !== undefined && value !== null) entry[field] = value;
  }
  return entry;
}

/** The stored form of a head's entries. */
export function encodeHeadEntries(entries: ReadonlyArray<Record<string, unknown>>): string {
  return JSON.stringify(entries);
}

/**
 * The entries of a stored head; an empty list for anything that is not a JSON
 * array of objects. On text that is not JSON, APPSYNC_JS's JSON.parse answers
 * '' (no entries) where Node's throws a SyntaxError: the all-time consumer
 * catches it and builds the head again.
 */
export function decodeHeadEntries(text: unknown): Array<Record<string, unknown>> {
  if (typeof text !== 'string' || text.length === 0) return [];
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return [];
  const entries: Array<Record<string, unknown>> = [];
  for (const e of parsed as unknown[]) {
    if (typeof e === 'object' && e !== null && !Array.isArray(e)) entries.push(e as Record<string, unknown>);
  }
  return entries;
}

/**
 * The first page of `limit` entries from a head, and whether the ranking goes
 * on after it; null when the head cannot answer it alone (the page is longer
 * than the head and the ranking holds more).
 */
export function headPage(
  entries: ReadonlyArray<Record<string, unknown>>,
  more: boolean,
  limit: number,
): { items: Array<Record<string, unknown>>; more: boolean } | null {
  if (limit > entries.length && more) return null;
  return { items: entries.slice(0, limit), more: more || entries.length > limit };
}
