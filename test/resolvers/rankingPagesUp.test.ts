/**
 * Pages read upwards (a page's previousToken passed as nextToken) through the
 * local AppSync runtime and DynamoDB Local: from any page — a page around a
 * rider, a page deep in a sweep, the last page — the pages above carry the
 * riders and ranks of the full ranking, ties everywhere (ties spanning a
 * page's top edge included), up to the top, where previousToken is null; a
 * tie longer than a page is refused rather than misranked; a token is not
 * taken by another query.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AllTimeRankingsDocument, RaceResultsDocument, RacesDocument } from '../../client/generated/operations.js';
import {
  allPages,
  allTimeItem,
  clockInRace,
  putItems,
  putRaceResults,
  raceAt,
  readRaceResults,
  useApi,
} from './api.js';

const NOW = clockInRace(30);
const RACE = raceAt(NOW) - 1;
const api = useApi(NOW);

interface Ranked {
  racerId: string;
  rank: number;
}
type PageOf = (args: { limit: number; nextToken?: string | null; around?: string | null }) => Promise<{
  items: Ranked[];
  nextToken: string | null;
  previousToken: string | null;
  errors: unknown[];
}>;

/** A page of either ranking as the sweeps compare them: riders and ranks, both tokens, the errors. */
function rankedPage(
  p: { items: Ranked[]; nextToken?: string | null; previousToken?: string | null } | undefined,
  errors: unknown[],
): Awaited<ReturnType<PageOf>> {
  return {
    items: (p?.items ?? []).map((r) => ({ racerId: r.racerId, rank: r.rank })),
    nextToken: p?.nextToken ?? null,
    previousToken: p?.previousToken ?? null,
    errors,
  };
}

/** Reads upwards from a page's previousToken to the top; the riders in ranking order, and the pages read. */
async function sweepUp(pageOf: PageOf, limit: number, previousToken: string | null): Promise<Ranked[][]> {
  const pages: Ranked[][] = [];
  let token = previousToken;
  while (token !== null && pages.length < 200) {
    const page = await pageOf({ limit, nextToken: token });
    expect(page.errors).toEqual([]);
    pages.unshift(page.items);
    token = page.previousToken;
  }
  return pages;
}

describe('raceResults upwards', () => {
  const CLASS = 4;
  // 203 riders, every output shared by 5 riders: ties cross page edges at every page size used here.
  const ids = Array.from({ length: 203 }, (_, i) => `u${String(i).padStart(3, '0')}`);
  let full: Ranked[] = [];
  const pageOf: PageOf = async (args) => {
    const { data, errors } = await api.call(RaceResultsDocument, { classId: CLASS, raceId: RACE, ...args });
    return rankedPage(data?.raceResults, errors);
  };

  beforeAll(async () => {
    await putRaceResults(api, { classId: CLASS, raceId: RACE }, ids, (i) => 80 - Math.floor(i / 5) / 4);
    full = await readRaceResults(api, { classId: CLASS, raceId: RACE });
    expect(full.map((r) => r.racerId)).toEqual(ids);
  });

  it('has no previousToken on the first page, from the head or the shards', async () => {
    expect((await pageOf({ limit: 100 })).previousToken).toBeNull();
    expect((await pageOf({ limit: 150 })).previousToken).toBeNull();
    expect((await pageOf({ limit: 3, around: 'u000' })).previousToken).toBeNull();
  });

  it.each([
    ['u001', 1],
    ['u007', 3],
    ['u100', 7],
    ['u104', 10],
    ['u202', 25],
    ['u150', 1],
  ])('from the page around %s, pages of %i upwards give every rider above with their ranks', async (id, limit) => {
    const at = ids.indexOf(id);
    const start = await pageOf({ limit, around: id });
    expect(start.errors).toEqual([]);
    expect(start.items[0]).toEqual(full[at]);
    const above = (await sweepUp(pageOf, limit, start.previousToken)).flat();
    expect(above).toEqual(full.slice(0, at));
  });

  it("goes back down from a page read upwards with that page's nextToken", async () => {
    const start = await pageOf({ limit: 9, around: 'u120' });
    const up = await pageOf({ limit: 9, nextToken: start.previousToken });
    expect(up.errors).toEqual([]);
    const down = await pageOf({ limit: 9, nextToken: up.nextToken });
    expect(down.items).toEqual(start.items);
  });

  it('from the last page of a forward sweep, upwards reads the sweep back', async () => {
    let page = await pageOf({ limit: 40 });
    while (page.nextToken !== null) page = await pageOf({ limit: 40, nextToken: page.nextToken });
    const above = (await sweepUp(pageOf, 40, page.previousToken)).flat();
    expect([...above, ...page.items]).toEqual(full);
  });

  it('refuses an upwards token in another race, and in races', async () => {
    const start = await pageOf({ limit: 5, around: 'u050' });
    const other = await api.call(RaceResultsDocument, {
      classId: CLASS,
      raceId: RACE - 1,
      nextToken: start.previousToken,
    });
    expect(other.errors[0]).toMatchObject({ errorType: 'ValidationError' });
    const races = await api.call(RacesDocument, { classId: CLASS, nextToken: start.previousToken });
    expect(races.errors[0]).toMatchObject({ errorType: 'ValidationError' });
  });
});

describe('allTimeRankings upwards', () => {
  const CLASS = 3;
  // 161 riders: 150 in ties of 3, then 10 tied on one total (longer than a page of 6), then one last rider.
  const ids = Array.from({ length: 161 }, (_, i) => `w${String(i).padStart(3, '0')}`);
  const total = (i: number): number => (i < 150 ? 5000 - Math.floor(i / 3) * 7 : i < 160 ? 1000 : 500);
  let full: Ranked[] = [];
  const pageOf: PageOf = async (args) => {
    const { data, errors } = await api.call(AllTimeRankingsDocument, { classId: CLASS, by: 'TOTAL_OUTPUT', ...args });
    return rankedPage(data?.allTimeRankings, errors);
  };

  beforeAll(async () => {
    await putItems(
      api,
      ids.map((id, i) =>
        allTimeItem(id, CLASS, {
          bestOutput: 90,
          bestRaceId: RACE,
          racesCompleted: 3,
          totalOutput: total(i),
          lastRaceId: RACE,
        }),
      ),
    );
    const pages = await allPages(async (nextToken) => {
      const { data } = await api.call(AllTimeRankingsDocument, {
        classId: CLASS,
        by: 'TOTAL_OUTPUT',
        limit: 70,
        nextToken,
      });
      return data?.allTimeRankings;
    });
    full = pages.flat().map((r) => ({ racerId: r.racerId, rank: r.rank }));
    expect(full.map((r) => r.racerId)).toEqual(ids);
    expect(full.slice(148, 153).map((r) => r.rank)).toEqual([148, 148, 151, 151, 151]);
  });

  it.each([
    ['w002', 2],
    ['w064', 4],
    ['w149', 5],
    ['w155', 6],
    ['w159', 11],
    ['w160', 11],
  ])('from the page around %s, pages of %i upwards give every rider above with their ranks', async (id, limit) => {
    const at = ids.indexOf(id);
    const start = await pageOf({ limit, around: id });
    expect(start.errors).toEqual([]);
    expect(start.items[0]).toEqual(full[at]);
    const pages = await sweepUp(pageOf, limit, start.previousToken);
    expect(pages.flat()).toEqual(full.slice(0, at));
    // A page that would start inside a tie going on above it starts at the tie instead (a shorter page).
    expect(pages.every((p) => p.length <= limit)).toBe(true);
  });

  it('refuses to rank a page upwards that one tie fills, and ranks a tie it starts at', async () => {
    // Above w160: riders w150..w159 share one total, more than a page of 6 holds: their rank is not known from below.
    const last = await pageOf({ limit: 6, around: 'w160' });
    expect(last.items).toEqual(full.slice(160));
    const refused = await pageOf({ limit: 6, nextToken: last.previousToken });
    expect(refused.errors[0]).toMatchObject({ errorType: 'ValidationError' });
    // A page of 11 reads the rider above the tie: the tie is the page, ranked where it starts.
    const wider = await pageOf({ limit: 11, around: 'w160' });
    const tie = await pageOf({ limit: 11, nextToken: wider.previousToken });
    expect(tie.errors).toEqual([]);
    expect(tie.items).toEqual(full.slice(150, 160));
    // The tie of the page's own first rider shares its rank whatever its length.
    const inTie = await pageOf({ limit: 3, around: 'w159' });
    const up = await pageOf({ limit: 3, nextToken: inTie.previousToken });
    expect(up.errors).toEqual([]);
    expect(up.items).toEqual(full.slice(156, 159));
  });

  it('a token issued for TOTAL_OUTPUT is refused for PERSONAL_BEST', async () => {
    const start = await pageOf({ limit: 5, around: 'w090' });
    const { errors } = await api.call(AllTimeRankingsDocument, {
      classId: CLASS,
      by: 'PERSONAL_BEST',
      nextToken: start.previousToken,
    });
    expect(errors[0]).toMatchObject({ errorType: 'ValidationError' });
  });
});
