/** A rider's result in a race, the riders around it and the race's podium, read around the rider. */
import { GraphQLResponseError } from '../../../client/errors.js';
import type { Api } from './Api.js';
import type { Page, RaceResult } from './types.js';

export interface RiderResult {
  mine: RaceResult | undefined;
  /** Up to 3 riders either side of the rider, the rider among them. */
  around: RaceResult[];
  podium: RaceResult[];
}

/** True for the API's answer that a page cannot start at this rider (no result in the race). */
export function isAroundRefused(error: unknown): boolean {
  return (
    error instanceof GraphQLResponseError &&
    error.errors.some((e) => {
      const info = e.errorInfo as { field?: unknown } | null | undefined;
      return e.errorType === 'ValidationError' && info?.field === 'around';
    })
  );
}

/**
 * Three reads whatever the field size: the podium, the page that starts at the
 * rider (raceResults `around`) and the page just above it (its previousToken).
 */
export async function findResult(api: Api, classId: number, raceId: number, racerId: string): Promise<RiderResult> {
  const podium = (await api.raceResults(classId, raceId, 3)).items;
  let from: Page<RaceResult>;
  try {
    from = await api.raceResults(classId, raceId, 4, null, racerId);
  } catch (error) {
    if (isAroundRefused(error)) return { mine: undefined, around: [], podium };
    throw error;
  }
  const above = from.previousToken ? (await api.raceResults(classId, raceId, 3, from.previousToken)).items : [];
  return { mine: from.items[0], around: [...above, ...from.items], podium };
}
