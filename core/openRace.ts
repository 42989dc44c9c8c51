/**
 * The OpenRace marker: a race the finalizer has seen and not yet closed
 * (PK CLASS#<c>, SK OPEN#<raceId>). Only the finalizer reads and writes it.
 */
import type { ITEM_OPEN_RACE } from './keys.js';

/** A race to close. */
export interface OpenRace {
  classId: number;
  raceId: number;
  /** When a finalizer last processed a record of the race (epoch ms). */
  lastRecordAt?: number;
}

/** An OpenRace marker as stored. */
export interface OpenRaceItem extends OpenRace {
  PK: string;
  SK: string;
  itemType: typeof ITEM_OPEN_RACE;
  /** Epoch ms until which one closer holds the claim to close the race. */
  closingUntil?: number;
}

/** The race of a stored marker; null when the item is not one. */
export function openRaceOf(item: Record<string, unknown>): OpenRace | null {
  const { classId, raceId, lastRecordAt } = item;
  if (typeof classId !== 'number' || typeof raceId !== 'number') return null;
  return typeof lastRecordAt === 'number' ? { classId, raceId, lastRecordAt } : { classId, raceId };
}
