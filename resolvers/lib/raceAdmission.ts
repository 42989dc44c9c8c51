/**
 * recordTelemetry's admission check (resolvers/functions/getRaceAdmissions.ts,
 * getAdmittedRiders.ts): which races of a call take only the riders they
 * admitted — full races, and races past their join deadline
 * (core/fairPlay.ts lateJoinRefusedFromMillis) — and which of the call's
 * riders those admitted (core/raceAdmission.ts). Pure, so the handlers stay thin.
 */
import { util } from '@aws-appsync/utils';
import { joinDeadline, lateJoinRefusedFromMillis } from '../../core/fairPlay.js';
import { admittedRiderKey, raceAdmissionKey } from '../../core/keys.js';
import { admittedLinkNumbers, capOf, isRaceFull } from '../../core/raceAdmission.js';
import { raceStartMillis } from '../../core/raceClock.js';
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

/**
 * A race of the call that takes only the riders it admitted: `full` (no slot
 * left) or `late` (past its join deadline). `cap` is its counter's (0: the
 * race has admitted nobody).
 */
export interface GatedRace {
  classId: number;
  raceId: number;
  cap: number;
  reason: 'full' | 'late';
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

function counterOf(counters: readonly unknown[], classId: number, raceId: number): unknown {
  for (const c of counters) {
    if (c !== null && typeof c === 'object') {
      const item = c as { classId?: unknown; raceId?: unknown };
      if (item.classId === classId && item.raceId === raceId) return c;
    }
  }
  return null;
}

/**
 * The races of the call's records that take only riders they admitted, at
 * `nowMillis`: full ones (by the counters read), and the others once their
 * join deadline plus the admission's settling time has passed.
 */
export function gatedRacesOf(
  records: readonly TelemetryRecord[],
  counters: readonly unknown[],
  nowMillis: number,
  raceSeconds: number,
): GatedRace[] {
  const gated: GatedRace[] = [];
  const seen: Record<string, boolean> = {};
  for (const r of records) {
    const ref = raceRef(r.classId, r.raceId);
    const counter = seen[ref] ? null : counterOf(counters, r.classId, r.raceId);
    if (!seen[ref] && isRaceFull(counter)) {
      gated.push({ classId: r.classId, raceId: r.raceId, cap: capOf(counter), reason: 'full' });
    } else if (!seen[ref] && nowMillis >= lateJoinRefusedFromMillis(r.raceId, raceSeconds)) {
      gated.push({ classId: r.classId, raceId: r.raceId, cap: capOf(counter), reason: 'late' });
    }
    seen[ref] = true;
  }
  return gated;
}

function gatedRaceOf<T extends { classId: number; raceId: number }>(gated: readonly T[], r: TelemetryRecord): T | null {
  for (const g of gated) {
    if (g.classId === r.classId && g.raceId === r.raceId) return g;
  }
  return null;
}

/**
 * The admission items that may hold the call's riders of gated races: every
 * link (core/raceAdmission.ts admittedLinks) of each race's bucket.
 */
export function admittedRiderKeys(
  records: readonly TelemetryRecord[],
  gated: readonly Pick<GatedRace, 'classId' | 'raceId' | 'cap'>[],
): TypedKey[] {
  const seen: Record<string, boolean> = {};
  const keys: TypedKey[] = [];
  for (const r of records) {
    const race = gatedRaceOf(gated, r);
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
export function raceFull(race: GatedRace, index: number, racerId: string, detail: string): never {
  return util.error(
    `class ${race.classId} race ${race.raceId} is full: it admits at most ${race.cap} riders${detail}`,
    'RaceFullError',
    null,
    { index, classId: race.classId, raceId: race.raceId, cap: race.cap, racerId },
  );
}

/**
 * Stops the call with a LateJoinError: rider `racerId` was not admitted to a
 * race past its join deadline (the rider's first record came too late, or
 * this is it). The next race is named so that a client can offer it.
 */
export function lateJoin(race: GatedRace, index: number, racerId: string, raceSeconds: number): never {
  const deadline = joinDeadline(raceSeconds);
  const nextRaceId = race.raceId + 1;
  return util.error(
    `class ${race.classId} race ${race.raceId} takes new riders in its first ${deadline} seconds only, ` +
      `and rider ${racerId} did not join it in time: ride the next race (${nextRaceId}), ` +
      `which starts at ${util.time.epochMilliSecondsToISO8601(raceStartMillis(nextRaceId, raceSeconds))}`,
    'LateJoinError',
    null,
    { index, classId: race.classId, raceId: race.raceId, racerId, joinDeadline: deadline, nextRaceId },
  );
}

/**
 * Stops the call at its first record of a gated race whose rider the race
 * did not admit (`markers`: the admission items read, their `racerIds` sets
 * read as lists; null where none): RaceFullError for a full race,
 * LateJoinError for one past its join deadline.
 */
export function refuseUnadmitted(
  records: readonly TelemetryRecord[],
  gated: readonly GatedRace[],
  markers: readonly unknown[],
  raceSeconds: number,
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
    const race = gatedRaceOf(gated, r);
    if (race !== null && !admitted[`${raceRef(r.classId, r.raceId)}:${r.racerId}`]) {
      if (race.reason === 'full') raceFull(race, index, r.racerId, `, and rider ${r.racerId} is not one of them`);
      else lateJoin(race, index, r.racerId, raceSeconds);
    }
    index = index + 1;
  }
}
