/**
 * The PendingFinal item: a rider's first valid `final` record of a race
 * (PK RACE#<c>#<raceId>, SK FINAL#<racerId>), kept until the race closes.
 * Results are written only then, exactly once per rider (closeRace.ts), so
 * that a final can never rewrite a result and the all-time consumer sees
 * each result once. Only the finalizer reads and writes it.
 */
import { ITEM_PENDING_FINAL, pendingFinalKey } from '../../core/keys.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { transientExpiresAt } from '../../core/expiresAt.js';

/** What a pending final says. */
export interface PendingFinal {
  classId: number;
  raceId: number;
  racerId: string;
  name?: string;
  output: number;
  second: number;
  power: number;
  /** True once a different final of the rider was refused (CONFLICTING_FINAL). */
  conflicting?: boolean;
}

export type PendingFinalItem = PendingFinal & {
  PK: string;
  SK: string;
  itemType: typeof ITEM_PENDING_FINAL;
  /** TTL: kept only until the race closes (core/expiresAt.ts). */
  expiresAt: number;
};

/** The pending final of a `final` record. */
export function pendingFinalOf(r: TelemetryRecord): PendingFinal {
  const p: PendingFinal = {
    classId: r.classId,
    raceId: r.raceId,
    racerId: r.racerId,
    output: r.output,
    second: r.second,
    power: r.power,
  };
  if (r.name !== undefined) p.name = r.name;
  return p;
}

/** The item of a pending final written at `writtenAtMillis`. */
export function buildPendingFinalItem(p: PendingFinal, writtenAtMillis: number): PendingFinalItem {
  return {
    ...pendingFinalKey(p.classId, p.raceId, p.racerId),
    itemType: ITEM_PENDING_FINAL,
    ...p,
    expiresAt: transientExpiresAt(writtenAtMillis),
  };
}

/** A stored pending final; null when the item is not one. */
export function pendingFinalOfItem(item: Record<string, unknown> | undefined): PendingFinal | null {
  if (item === undefined) return null;
  const { classId, raceId, racerId, name, output, second, power, conflicting } = item;
  if (
    typeof classId !== 'number' ||
    typeof raceId !== 'number' ||
    typeof racerId !== 'string' ||
    typeof output !== 'number' ||
    typeof second !== 'number' ||
    typeof power !== 'number'
  )
    return null;
  const p: PendingFinal = { classId, raceId, racerId, output, second, power };
  if (typeof name === 'string') p.name = name;
  if (conflicting === true) p.conflicting = true;
  return p;
}

/** Whether two finals are the same record (a replay) as far as a result goes. */
export function sameFinal(a: PendingFinal, b: PendingFinal): boolean {
  return a.output === b.output && a.second === b.second;
}
