/**
 * A shard's part of a race split into pages (items), so that a part stays
 * within DynamoDB's 400 KB item limit however many riders it holds and
 * whatever their names.
 *
 * A page holds at most LIVE_PAGE_MAX_RIDERS riders, a count chosen so that
 * even riders with the longest racerIds and names that JSON escapes at 6
 * bytes a character fit: the bound holds by construction, not by measuring
 * each write. A rider stays on the page it was first placed on (so a page's
 * riders only ever grow by newcomers, and the pages of one part never hold a
 * rider twice); newcomers fill the last page, then open the next one.
 * Writers and readers need no page count: readers merge whatever pages exist.
 *
 * APPSYNC_JS-safe (core/): no classes, no throw, no regex literals.
 */
import { TELEMETRY_LIMITS } from './telemetry.js';
import type { LiveRiders } from './livePart.js';
import { mergeRiders } from './livePart.js';

/** DynamoDB's item size limit (attribute names plus values, UTF-8). */
export const DYNAMODB_ITEM_MAX_BYTES = 400 * 1024;

/** Longest a JSON number the codec writes can be (a double's shortest form, sign and exponent included). */
const NUMBER_MAX_CHARS = 24;

/** JSON escapes a character as `\uXXXX` at most: 6 bytes, more than any character's UTF-8. */
const ESCAPED_CHAR_MAX_BYTES = 6;

/**
 * The most bytes one rider can take in a page's `riders` string:
 * `"<racerId>":[<second>,<output>,"<name>"],`.
 */
export const STORED_RIDER_MAX_BYTES =
  TELEMETRY_LIMITS.racerIdMaxLength +
  3 +
  1 +
  NUMBER_MAX_CHARS +
  1 +
  NUMBER_MAX_CHARS +
  1 +
  TELEMETRY_LIMITS.nameMaxLength * ESCAPED_CHAR_MAX_BYTES +
  2 +
  2;

/** What a page's other attributes (keys, ids, version, timestamps, names of attributes) may take. */
export const PAGE_OVERHEAD_MAX_BYTES = 2 * 1024;

/** Riders of one page: as many worst-case riders as fit, rounded down to a round number. */
export const LIVE_PAGE_MAX_RIDERS = 1000;

/** The pages of one shard's part, page 0 first. */
export type RiderPages = readonly LiveRiders[];

/** The page a rider (by rider map key) is on, or -1. */
export function pageOfRider(pages: RiderPages, key: string): number {
  let p = 0;
  for (const page of pages) {
    if (Object.hasOwn(page, key)) return p;
    p = p + 1;
  }
  return -1;
}

/** Riders on every page together. */
export function riderCount(pages: RiderPages): number {
  let n = 0;
  for (const page of pages) n += Object.keys(page).length;
  return n;
}

/** The pages after a window's riders are placed, and which pages changed. */
export interface PlacedRiders {
  pages: LiveRiders[];
  changed: boolean[];
}

/**
 * Places `incoming` on `pages` (neither is modified): a rider already on a
 * page is merged there (core/livePart.ts mergeRiders); a newcomer is placed
 * only if `admitted` holds its key, on the last page with room or a new one.
 * Newcomers are placed in the order of `admitted`, so the split is the same
 * for the same input.
 */
export function placeRiders(
  pages: RiderPages,
  incoming: LiveRiders,
  admitted: readonly string[],
  maxPerPage: number = LIVE_PAGE_MAX_RIDERS,
): PlacedRiders {
  const grouped: LiveRiders[] = [];
  for (const _ of pages) grouped.push({});
  for (const key of Object.keys(incoming)) {
    const p = pageOfRider(pages, key);
    if (p >= 0) (grouped[p] as LiveRiders)[key] = incoming[key] as LiveRiders[string];
  }
  const out: LiveRiders[] = [];
  const changed: boolean[] = [];
  let index = 0;
  for (const page of pages) {
    const merged = mergeRiders(page, grouped[index] as LiveRiders);
    out.push(merged.riders);
    changed.push(merged.changed);
    index = index + 1;
  }
  let last = out.length - 1;
  let lastCount = last < 0 ? 0 : Object.keys(out[last] as LiveRiders).length;
  for (const key of admitted) {
    if (Object.hasOwn(incoming, key) && pageOfRider(out, key) < 0) {
      if (last < 0 || lastCount >= maxPerPage) {
        out.push({});
        changed.push(true);
        last = out.length - 1;
        lastCount = 0;
      }
      (out[last] as LiveRiders)[key] = incoming[key] as LiveRiders[string];
      changed[last] = true;
      lastCount = lastCount + 1;
    }
  }
  return { pages: out, changed };
}

/** Keys of `incoming` that are on no page: the riders the window brings for the first time. */
export function newcomers(pages: RiderPages, incoming: LiveRiders): string[] {
  const out: string[] = [];
  for (const key of Object.keys(incoming)) {
    if (pageOfRider(pages, key) < 0) out.push(key);
  }
  return out;
}
