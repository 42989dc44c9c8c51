/**
 * A race's admission: the riders it holds, first come, up to a cap
 * (infra/settings.ts ADMISSION). One counter item per race (core/keys.ts
 * raceAdmissionKey) that every shard's aggregator reserves slots on with a
 * conditional update when its window brings riders it has not seen, and the
 * admitted riders kept in bucket items (admittedRiderKey), so that the finalizer and
 * recordTelemetry can tell an admitted rider from one refused without reading
 * the race's live parts.
 *
 * Slots are reserved per shard (`r_<shardId>`): a shard uses its reserved
 * slots before it asks for more, so a final invocation retried after the
 * reservation (Lambda retries it with the same state) admits the same riders
 * instead of counting them twice.
 *
 * Read by the resolvers too, hence APPSYNC_JS-safe.
 */
import { ITEM_RACE_ADMISSION } from './keys.js';

/** The counter item as stored (plus one `r_<shardId>` number per shard that reserved slots). */
export interface RaceAdmissionItem {
  readonly PK: string;
  readonly SK: string;
  readonly itemType: typeof ITEM_RACE_ADMISSION;
  readonly classId: number;
  readonly raceId: number;
  /** Slots reserved by every shard together: never more than `cap`. */
  readonly admitted: number;
  /** The cap the race was admitted under (the writers' setting when they reserved). */
  readonly cap: number;
}

/** The attribute holding a shard's reserved slots. */
export function reservationAttribute(shardId: string): string {
  return `r_${shardId}`;
}

function numberOf(item: unknown, name: string): number {
  if (item === null || typeof item !== 'object') return 0;
  const v = (item as Record<string, unknown>)[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Slots the race has given out (0 for a race without a counter). */
export function admittedOf(item: unknown): number {
  return numberOf(item, 'admitted');
}

/** Slots a shard holds on the race. */
export function reservedOf(item: unknown, shardId: string): number {
  return numberOf(item, reservationAttribute(shardId));
}

/** The cap recorded on the counter (0: none recorded yet). */
export function capOf(item: unknown): number {
  return numberOf(item, 'cap');
}

/** True when the counter says the race has no slot left. */
export function isRaceFull(item: unknown): boolean {
  const cap = capOf(item);
  return cap > 0 && admittedOf(item) >= cap;
}

/**
 * Ids one admission link holds at most: 4,000 racerIds of the longest
 * length (64 characters) are 256,000 bytes, well under DynamoDB's 400 KB
 * item limit (test/functions/raceAdmission.test.ts writes a race whose every
 * rider falls in one bucket).
 */
export const ADMIT_LINK_MAX_IDS = 4000;

/**
 * Ids one set addition carries at most. A writer leaves a link for the next
 * one only when the addition would take it past ADMIT_LINK_MAX_IDS, so every
 * link it leaves holds more than ADMIT_LINK_MAX_IDS - ADMIT_ADD_MAX_IDS ids.
 */
export const ADMIT_ADD_MAX_IDS = 500;

/**
 * Links one bucket of a race admitted under `cap` may have: its links but the
 * last hold more than 3,500 ids each, and the race holds at most `cap`
 * riders; one more for the ids a retried window adds again to a later link.
 */
export function admittedLinks(cap: number): number {
  const perLink = ADMIT_LINK_MAX_IDS - ADMIT_ADD_MAX_IDS;
  return Math.ceil(Math.max(1, cap) / perLink) + 1;
}

/** Link numbers 0..63, for code that may not loop by counting (APPSYNC_JS). */
const LINK_NUMBERS = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
  32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60,
  61, 62, 63,
];

/** The link numbers of a bucket of a race admitted under `cap` (at most 64 links: caps up to 220,000). */
export function admittedLinkNumbers(cap: number): number[] {
  return LINK_NUMBERS.slice(0, admittedLinks(cap));
}
