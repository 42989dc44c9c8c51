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
