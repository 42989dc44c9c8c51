/**
 * Publishes the bands of a board through the IAM-only `publishLiveBand`
 * mutation, so that onLiveBoard subscribers of each band get it.
 *
 * A subscription's type must be its triggering mutation's return type, so a
 * band is one mutation field; the bands of a window go out as aliased fields
 * of a few requests (`b0: publishLiveBand(input: $b0) { … } b1: …`), at most
 * BANDS_PER_REQUEST each: every field is one resolver run, within the
 * stack's resolver count limit per request (infra/settings.ts API).
 */
import { bandCount } from '../../core/liveBands.js';
import { ADMISSION, API } from '../../infra/settings.js';
import type { SerializedBand } from './fitBand.js';
import type { SignedPoster } from './publishLiveRankings.js';

/** Band fields per request: half the resolver count limit, so a request stays far from it. */
export const BANDS_PER_REQUEST = Math.floor(API.resolverCountLimit / 2);

/**
 * Requests of one board in flight at once: every request of a board at the
 * admission cap (50,000 riders, 20 requests) goes out together, so that
 * publishing costs about one AppSync round trip rather than one per wave.
 */
export const CONCURRENT_REQUESTS = Math.ceil(bandCount(ADMISSION.maxRidersPerRace) / BANDS_PER_REQUEST);

/** The selection each band field returns: what onLiveBoard subscribers can ask for. */
const BAND_SELECTION = 'classId raceId updatedAt band totalRiders entries { rank racerId name output second }';

/** The document of a request publishing `count` bands as aliased fields b0 … b<count-1>. */
export function bandsMutation(count: number): string {
  const vars: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < count; i += 1) {
    vars.push(`$b${i}: LiveBandInput!`);
    fields.push(`b${i}: publishLiveBand(input: $b${i}) { ${BAND_SELECTION} }`);
  }
  return `mutation PublishLiveBands(${vars.join(', ')}) {\n  ${fields.join('\n  ')}\n}`;
}

/**
 * The variables of a request publishing `chunk` (b0 … b<n-1>) as JSON text:
 * what JSON.stringify gives for the object of them, built from each band's
 * text so that a band fitted to its message is not serialized again.
 */
export function bandsVariables(chunk: readonly SerializedBand[]): string {
  const fields: string[] = [];
  chunk.forEach((band, i) => fields.push(`"b${i}":${band.json}`));
  return `{${fields.join(',')}}`;
}

/**
 * Returns a function that publishes every band of a board (requests of
 * BANDS_PER_REQUEST bands), each band sent as the JSON text it was measured
 * by (fitBand.ts).
 */
export function createBandPublisher(post: SignedPoster): (bands: readonly SerializedBand[]) => Promise<void> {
  return async (bands) => {
    const chunks: Array<readonly SerializedBand[]> = [];
    for (let i = 0; i < bands.length; i += BANDS_PER_REQUEST) chunks.push(bands.slice(i, i + BANDS_PER_REQUEST));
    let next = 0;
    const failures: unknown[] = [];
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next] as readonly SerializedBand[];
        next += 1;
        try {
          await post('publishLiveBand', bandsMutation(chunk.length), bandsVariables(chunk));
        } catch (error) {
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_REQUESTS, chunks.length) }, () => worker()));
    if (failures.length > 0) throw failures[0];
  };
}
