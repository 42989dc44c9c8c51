/**
 * The telemetry record riders send, and its validation.
 * Pure and APPSYNC_JS-safe (no regex literals, no throw, no classes): the
 * recordTelemetry resolver and the aggregator share this one definition.
 */
import { DISPLAY_NAME_MAX_LENGTH, displayNameProblem } from './displayName.js';
import { isRaceClass } from './raceClasses.js';

export type TelemetryEventKind = 'update' | 'final';

export interface TelemetryRecord {
  raceId: number;
  classId: number;
  racerId: string;
  name?: string;
  second: number;
  power: number;
  cadence?: number;
  resistance?: number;
  output: number;
  event: TelemetryEventKind;
  deviceTimestamp: number;
}

export type TelemetryCheck = { ok: true; record: TelemetryRecord } | { ok: false; field: string; message: string };

/** Bounds of the contract, in one place. */
export const TELEMETRY_LIMITS = {
  racerIdMaxLength: 64,
  /** In code points (core/displayName.ts). */
  nameMaxLength: DISPLAY_NAME_MAX_LENGTH,
  powerMax: 3000,
  cadenceMax: 250,
  resistanceMax: 100,
  outputPerSecondMax: 3,
} as const;

const RACER_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';

export interface TelemetryContext {
  /** Race length in seconds. */
  raceSeconds: number;
  /**
   * The current race slot; a record must be for it or the one just ended.
   * Omit to skip the clock check (the aggregator applies it via arrival time).
   */
  currentRaceId?: number;
}

function fail(field: string, message: string): TelemetryCheck {
  return { ok: false, field, message };
}

function isInt(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && Math.floor(v) === v;
}

function isNum(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isRacerId(v: unknown): boolean {
  if (typeof v !== 'string' || v.length < 1 || v.length > TELEMETRY_LIMITS.racerIdMaxLength) return false;
  for (const c of v) {
    if (RACER_ID_CHARS.indexOf(c) < 0) return false;
  }
  return true;
}

function optionalRange(v: unknown, max: number): boolean {
  return v === undefined || v === null || (isNum(v) && (v as number) >= 0 && (v as number) <= max);
}

/**
 * Checks one decoded value against the record's rules. The first failing field is
 * reported; the returned record is a fresh object with only the known fields.
 */
export function checkTelemetry(value: unknown, ctx: TelemetryContext): TelemetryCheck {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail('record', 'must be a JSON object');
  }
  const r = value as Record<string, unknown>;
  if (!isInt(r.raceId) || (r.raceId as number) < 0) return fail('raceId', 'must be a non-negative integer');
  if (ctx.currentRaceId !== undefined) {
    const id = r.raceId as number;
    if (id !== ctx.currentRaceId && id !== ctx.currentRaceId - 1) {
      return fail('raceId', `must be the current race (${ctx.currentRaceId}) or the one just ended`);
    }
  }
  if (!isInt(r.classId) || !isRaceClass(r.classId as number)) return fail('classId', 'must be a class of the catalog');
  if (!isRacerId(r.racerId)) return fail('racerId', 'must match ^[A-Za-z0-9_-]{1,64}$');
  if (r.name !== undefined && r.name !== null) {
    const problem = displayNameProblem(r.name);
    if (problem !== null) return fail('name', problem);
  }
  if (!isInt(r.second) || (r.second as number) < 0 || (r.second as number) > ctx.raceSeconds) {
    return fail('second', `must be an integer 0..${ctx.raceSeconds}`);
  }
  if (!isNum(r.power) || (r.power as number) < 0 || (r.power as number) > TELEMETRY_LIMITS.powerMax) {
    return fail('power', 'must be a number 0..3000');
  }
  if (!optionalRange(r.cadence, TELEMETRY_LIMITS.cadenceMax)) return fail('cadence', 'must be a number 0..250');
  if (!optionalRange(r.resistance, TELEMETRY_LIMITS.resistanceMax))
    return fail('resistance', 'must be a number 0..100');
  if (!isNum(r.output) || (r.output as number) < 0) return fail('output', 'must be a non-negative number');
  if ((r.output as number) > TELEMETRY_LIMITS.outputPerSecondMax * Math.max(1, r.second as number)) {
    return fail('output', 'must be at most 3 kJ per elapsed second');
  }
  if (r.event !== 'update' && r.event !== 'final') return fail('event', 'must be "update" or "final"');
  if (!isInt(r.deviceTimestamp) || (r.deviceTimestamp as number) < 0) {
    return fail('deviceTimestamp', 'must be an integer number of epoch milliseconds');
  }
  const record: TelemetryRecord = {
    raceId: r.raceId as number,
    classId: r.classId as number,
    racerId: r.racerId as string,
    second: r.second as number,
    power: r.power as number,
    output: r.output as number,
    event: r.event,
    deviceTimestamp: r.deviceTimestamp as number,
  };
  if (typeof r.name === 'string') record.name = r.name;
  if (isNum(r.cadence)) record.cadence = r.cadence as number;
  if (isNum(r.resistance)) record.resistance = r.resistance as number;
  return { ok: true, record };
}
