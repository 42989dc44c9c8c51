/** A rider's result in a race, and the race's podium, paging raceResults as needed. */
import type { Api } from './Api.js';
import type { RaceResult } from './types.js';

export interface RiderResult {
  mine: RaceResult | undefined;
  /** Up to 3 riders either side of the rider (from the page the rider is on). */
  around: RaceResult[];
  podium: RaceResult[];
  /** Results read (all of them unless stopped early). */
  scanned: number;
}

/** Pages through the results (1,000 a page) until the rider is found or the list ends. */
export async function findResult(
  api: Api,
  classId: number,
  raceId: number,
  racerId: string,
  maxPages = 20,
): Promise<RiderResult> {
  let nextToken: string | null | undefined = null;
  const podium: RaceResult[] = [];
  let scanned = 0;
  for (let page = 0; page < maxPages; page += 1) {
    const res = await api.raceResults(classId, raceId, 1000, nextToken);
    for (const r of res.items) {
      if (podium.length < 3) podium.push(r);
    }
    scanned += res.items.length;
    const i = res.items.findIndex((r) => r.racerId === racerId);
    const mine = res.items[i];
    if (mine) return { mine, around: res.items.slice(Math.max(0, i - 3), i + 4), podium, scanned };
    nextToken = res.nextToken;
    if (!nextToken) break;
  }
  return { mine: undefined, around: [], podium, scanned };
}
