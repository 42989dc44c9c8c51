/** The `bands` argument of liveBoard and onLiveBoard: 1..5 distinct band numbers (AppSync's `in` filter takes 5). */
import { MAX_BANDS_PER_REQUEST } from '../../core/liveBands.js';
import { invalid, isInteger } from './validation.js';

/** Largest band number accepted: the bands of the largest class a race admits, with headroom. */
export const MAX_BAND = 10_000;

export function requireBands(value: unknown, field: string): number[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_BANDS_PER_REQUEST) {
    invalid(field, `must list 1..${MAX_BANDS_PER_REQUEST} bands`);
  }
  const out: number[] = [];
  for (const b of value as unknown[]) {
    if (!isInteger(b) || b < 0 || b > MAX_BAND) invalid(field, `bands must be integers 0..${MAX_BAND}`);
    if (out.includes(b as number)) invalid(field, 'bands must be distinct');
    out.push(b as number);
  }
  return out;
}
