/**
 * recordTelemetry's admission check (resolvers/functions/getRaceAdmissions.ts,
 * getAdmittedRiders.ts): which races of a call are full, and which of their
 * riders were admitted (core/raceAdmission.ts). Pure, so the handlers stay thin.
 */
import { util } from '@aws-appsync/utils';
import { admittedRiderKey, raceAdmissionKey } from '../../core/keys.js';
import { admittedLinkNumbers, capOf, isRaceFull } from '../../core/raceAdmission.js';
import type { TelemetryRecord } from '../../core/telemetry.js';

/** Keys one BatchGetItem takes (the DynamoDB limit). */
export const BATCH_GET_KEYS = 100;

/** The table BatchGetItem names (the API's TABLE_NAME, which both stacks set). */
export function tableNameOf(env: Record<string, string> | undefined): string {
  const name = env ? env.TABLE_NAME : undefined;
  if (typeof name !== 'string' || name.length === 0) {
    util.error('TABLE_NAME is not set in the API environment', 'ConfigurationError');
  }
  return name as string;
}

/** A race of the call that has no slot left. */
export interface FullRace {
  classId: number;
  raceId: number;
  cap: number;
}

/** A key in DynamoDB's typed form, as BatchGetItem takes it. */
export type TypedKey = Record<string, { S: string }>;

function typedKey(key: { PK: string; SK: string }): TypedKey {
  return { PK: { S: key.PK }, SK: { S: key.SK } };
}

function raceRef(classId: number, raceId: number): string {
  return `${classId}:${raceId}`;
}

/** The admission counters of the races a call's records are for (one key per race). */
export function admissionCounterKeys(records: readonly TelemetryRecord[]): TypedKey[] {
  const seen: Record<string, boolean> = {};
  const keys: TypedKey[] = [];
  for (const r of records) {
    const ref = raceRef(r.classId, r.raceId);
    if (!seen[ref]) {
      seen[ref] = true;
      keys.push(typedKey(raceAdmissionKey(r.classId, r.raceId)));
    }
  }
  return keys;
}

/** The full races among the counters read. */
export function fullRacesOf(counters: readonly unknown[]): FullRace[] {
  const full: FullRace[] = [];
  for (const c of counters) {
    if (c !== null && typeof c === 'object' && isRaceFull(c)) {
      const item = c as { classId?: unknown; raceId?: unknown };
      if (typeof item.classId === 'number' && typeof item.raceId === 'number') {
        full.push({ classId: item.classId, raceId: item.raceId, cap: capOf(c) });
      }
    }
  }
  return full;
}

function fullRaceOf(full: readonly FullRace[], r: TelemetryRecord): FullRace | null {
  for (const f of full) {
    if (f.classId === r.classId && f.raceId === r.raceId) return f;
  }
  return null;
}

/**
 * The admission items that may hold the call's riders of full races: every
 * link (core/raceAdmission.ts admittedLinks) of each race's bucket.
 */
export function admittedRiderKeys(records: readonly TelemetryRecord[], full: readonly FullRace[]): TypedKey[] {
  const seen: Record<string, boolean> = {};
  const keys: TypedKey[] = [];
  for (const r of records) {
    const race = fullRaceOf(full, r);
    const first = admittedRiderKey(r.classId, r.raceId, r.racerId);
    const ref = `${first.PK}|${first.SK}`;
    if (!seen[ref] && race !== null) {
      seen[ref] = true;
      for (const link of admittedLinkNumbers(race.cap)) {
        keys.push(typedKey(admittedRiderKey(r.classId, r.raceId, r.racerId, link)));
      }
    }
  }
  return keys;
}

/** Stops the call with a RaceFullError about the record at `index`. */
export function raceFull(race: FullRace, index: number, racerId: string, detail: string): never {
  return util.error(
    `class ${race.classId} race ${race.raceId} is full: it admits at most ${race.cap} riders${detail}`,
    'RaceFullError',
    null,
    { index, classId: race.classId, raceId: race.raceId, cap: race.cap, racerId },
  );
}

/**
 * Stops the call at its first record of a full race whose rider the race did
 * not admit (`markers`: the admission items read, their `racerIds` sets read
 * as lists; null where none).
 */
export function refuseUnadmitted(
  records: readonly TelemetryRecord[],
  full: readonly FullRace[],
  markers: readonly unknown[],
): void {
  const admitted: Record<string, boolean> = {};
  for (const m of markers) {
    if (m !== null && typeof m === 'object') {
      const item = m as { classId?: unknown; raceId?: unknown; racerIds?: unknown };
      const ids = Array.isArray(item.racerIds) ? (item.racerIds as unknown[]) : [];
      for (const id of ids) admitted[`${String(item.classId)}:${String(item.raceId)}:${String(id)}`] = true;
    }
  }
  let index = 0;
  for (const r of records) {
    const race = fullRaceOf(full, r);
    if (race !== null && !admitted[`${raceRef(r.classId, r.raceId)}:${r.racerId}`]) {
      raceFull(race, index, r.racerId, `, and rider ${r.racerId} is not one of them`);
    }
    index = index + 1;
  }
}
