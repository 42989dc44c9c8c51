/**
 * Argument checks shared by the resolvers. Each failure is a GraphQL error
 * with errorType ValidationError and a message that starts with the field's
 * name; errorInfo carries the field too.
 */
import { util } from '@aws-appsync/utils';
import { isRaceClass } from '../../core/raceClasses.js';
import { isRacerId } from '../../core/telemetry.js';
import { DEFAULT_RACE_SECONDS } from '../../core/raceClock.js';
import { parseDigits } from './cursor.js';

/**
 * Checks one ranked entry of a published board (`at` names it, e.g.
 * `input.entries[3]`): positive integer rank, a contract racerId, a finite
 * non-negative output, a non-negative integer second.
 */
export function requireRankedEntry(
  e: { rank: unknown; racerId: unknown; output: unknown; second: unknown },
  at: string,
): void {
  if (!isInteger(e.rank) || e.rank < 1) invalid(`${at}.rank`, 'must be a positive integer');
  if (typeof e.racerId !== 'string' || !isRacerId(e.racerId))
    invalid(`${at}.racerId`, 'must match ^[A-Za-z0-9_-]{1,64}$');
  if (typeof e.output !== 'number' || !Number.isFinite(e.output) || e.output < 0) {
    invalid(`${at}.output`, 'must be a finite non-negative number');
  }
  if (!isInteger(e.second) || e.second < 0) invalid(`${at}.second`, 'must be a non-negative integer');
}

/** Stops the resolver with a ValidationError about one field. */
export function invalid(field: string, message: string): never {
  return util.error(`${field} ${message}`, 'ValidationError', null, { field });
}

/** True for a finite number without a fractional part. */
export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.floor(value) === value;
}

/** A classId of the catalog (core/raceClasses.ts). */
export function requireClassId(value: unknown, field: string): number {
  if (!isInteger(value) || !isRaceClass(value)) invalid(field, 'must be a class of the catalog');
  return value as number;
}

/** A race slot: a non-negative integer. */
export function requireRaceId(value: unknown, field: string): number {
  if (!isInteger(value) || value < 0) invalid(field, 'must be a non-negative integer');
  return value as number;
}

/** A page size: absent means the default, else an integer 1..max. */
export function pageLimit(value: unknown, field: string, max: number, defaultLimit: number): number {
  if (value === undefined || value === null) return defaultLimit;
  if (!isInteger(value) || value < 1 || value > max) invalid(field, `must be an integer 1..${max}`);
  return value as number;
}

/**
 * The race length from the API's RACE_SECONDS environment variable (the CDK
 * and local stacks both set it); the contract default when it is not set.
 */
export function raceSecondsOf(env: Record<string, string> | undefined): number {
  const text = env ? env.RACE_SECONDS : undefined;
  if (text === undefined || text === null || text === '') return DEFAULT_RACE_SECONDS;
  const seconds = parseDigits(`${text}`);
  if (seconds < 1) {
    util.error(`RACE_SECONDS must be a positive integer, got "${text}"`, 'ConfigurationError');
  }
  return seconds;
}
