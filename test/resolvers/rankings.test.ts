/**
 * raceResults and allTimeRankings over the local AppSync runtime and DynamoDB
 * Local: contract order (output descending, racerId ascending), ties sharing
 * a rank (1, 2, 2, 4) and ranks that stay right across page boundaries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { AllTimeRankingsDocument, RaceResultsDocument } from '../../client/generated/operations.js';
import { allPages, allTimeItem, clockInRace, putItems, RACE_SECONDS, raceAt, resultItem, useApi } from './api.js';

const NOW = clockInRace(30);
const RACE = raceAt(NOW) - 1;
const api = useApi(NOW);

describe('raceResults', () => {
  // Outputs chosen so that ties straddle page boundaries of every page size below.
  // 'd' and 'e' differ by less than a milli-kJ: the same score, so the same rank.
  const field: Array<[string, number]> = [
    ['k', 120.25],
    ['b', 99.5],
    ['a', 99.5],
    ['c', 99.5],
    ['e', 80.0004],
    ['d', 80],
    ['f', 75],
    ['g', 75],
    ['h', 12],
  ];
  const expected = [
    { racerId: 'k', rank: 1 },
    { racerId: 'a', rank: 2 },
    { racerId: 'b', rank: 2 },
    { racerId: 'c', rank: 2 },
    { racerId: 'd', rank: 5 },
    { racerId: 'e', rank: 5 },
    { racerId: 'f', rank: 7 },
    { racerId: 'g', rank: 7 },
    { racerId: 'h', rank: 9 },
  ];

  beforeAll(async () => {
    await putItems(api, [
      ...field.map(([id, output], i) =>
        resultItem(4, RACE, id, output, {
          name: `Rider ${id}`,
          finished: i !== 8,
          lastSecond: i === 8 ? 200 : RACE_SECONDS,
        }),
      ),
      // The same riders in another race and another class must not leak in.
      resultItem(4, RACE - 1, 'a', 500),
      resultItem(5, RACE, 'z', 1),
    ]);
  });

  it('ranks the whole race on one page', async () => {
    const { data, errors } = await api.call(RaceResultsDocument, { classId: 4, raceId: RACE });
    expect(errors).toEqual([]);
    expect(data?.raceResults.nextToken).toBeNull();
    expect(data?.raceResults.items.map((r) => ({ racerId: r.racerId, rank: r.rank }))).toEqual(expected);
    expect(data?.raceResults.items[8]).toEqual({
      rank: 9,
      racerId: 'h',
      name: 'Rider h',
      output: 12,
      classId: 4,
      raceId: RACE,
      finished: false,
      lastSecond: 200,
      flags: [],
    });
  });

  it.each([1, 2, 3, 4])('gives the same ranks when read %i at a time', async (limit) => {
    const pages = await allPages(
      async (nextToken) =>
        (
          await api.call(RaceResultsDocument, { classId: 4, raceId: RACE, limit, nextToken })
        ).data?.raceResults,
    );
    expect(pages.flat().map((r) => ({ racerId: r.racerId, rank: r.rank }))).toEqual(expected);
    for (const page of pages.slice(0, -1)) expect(page).toHaveLength(limit);
  });

  it('answers an empty race with no items and no token', async () => {
    const { data } = await api.call(RaceResultsDocument, { classId: 4, raceId: RACE - 50 });
    expect(data?.raceResults).toEqual({ items: [], nextToken: null, previousToken: null });
  });

  it.each([0, 1001])('refuses limit %i', async (limit) => {
    const { errors } = await api.call(RaceResultsDocument, { classId: 4, raceId: RACE, limit });
    expect(errors).toMatchObject([{ errorType: 'ValidationError', message: 'limit must be an integer 1..1000' }]);
  });

  it('refuses a token of another race and a forged token', async () => {
    const first = await api.call(RaceResultsDocument, { classId: 4, raceId: RACE, limit: 2 });
    const token = first.data?.raceResults.nextToken ?? null;
    expect(token).not.toBeNull();
    const other = await api.call(RaceResultsDocument, { classId: 4, raceId: RACE - 1, nextToken: token });
    expect(other.errors).toMatchObject([
      { errorType: 'ValidationError', message: 'nextToken is not a token issued by this query', path: ['raceResults'] },
    ]);
    const forged = Buffer.from(
      Buffer.from(token ?? '', 'base64')
        .toString('utf8')
        .replace('|2|2|', '|2|3|'),
    ).toString('base64');
    const refused = await api.call(RaceResultsDocument, { classId: 4, raceId: RACE, nextToken: forged });
    expect(refused.errors).toMatchObject([{ errorType: 'ValidationError' }]);
  });
});

describe('allTimeRankings', () => {
  const CLASS = 6;
  // racerId, best, total
  const riders: Array<[string, number, number]> = [
    ['ann', 150, 900],
    ['bo', 180, 400],
    ['cy', 150, 1200],
    ['di', 120, 900],
    ['ed', 150, 150],
  ];

  beforeAll(async () => {
    await putItems(
      api,
      riders.map(([id, best, total], i) =>
        allTimeItem(id, CLASS, {
          name: id.toUpperCase(),
          bestOutput: best,
          bestRaceId: RACE - i,
          racesCompleted: i + 1,
          totalOutput: total,
          lastRaceId: RACE,
        }),
      ),
    );
  });

  it('ranks by personal best by default, ties by racerId', async () => {
    const { data, errors } = await api.call(AllTimeRankingsDocument, { classId: CLASS });
    expect(errors).toEqual([]);
    expect(data?.allTimeRankings.items.map((e) => [e.rank, e.racerId, e.bestOutput])).toEqual([
      [1, 'bo', 180],
      [2, 'ann', 150],
      [2, 'cy', 150],
      [2, 'ed', 150],
      [5, 'di', 120],
    ]);
    expect(data?.allTimeRankings.items[0]).toEqual({
      rank: 1,
      racerId: 'bo',
      name: 'BO',
      classId: CLASS,
      bestOutput: 180,
      bestRaceId: RACE - 1,
      racesCompleted: 2,
      totalOutput: 400,
      lastRaceId: RACE,
    });
  });

  it('ranks by total output, across pages of two', async () => {
    const pages = await allPages(
      async (nextToken) =>
        (
          await api.call(AllTimeRankingsDocument, { classId: CLASS, by: 'TOTAL_OUTPUT', limit: 2, nextToken })
        ).data?.allTimeRankings,
    );
    expect(pages.flat().map((e) => [e.rank, e.racerId, e.totalOutput])).toEqual([
      [1, 'cy', 1200],
      [2, 'ann', 900],
      [2, 'di', 900],
      [4, 'bo', 400],
      [5, 'ed', 150],
    ]);
  });

  it('ranks by personal best across pages of one', async () => {
    const pages = await allPages(
      async (nextToken) =>
        (
          await api.call(AllTimeRankingsDocument, { classId: CLASS, by: 'PERSONAL_BEST', limit: 1, nextToken })
        ).data?.allTimeRankings,
    );
    expect(pages.flat().map((e) => e.rank)).toEqual([1, 2, 2, 2, 5]);
  });

  it('refuses a token of the other order', async () => {
    const best = await api.call(AllTimeRankingsDocument, { classId: CLASS, limit: 2 });
    const total = await api.call(AllTimeRankingsDocument, {
      classId: CLASS,
      by: 'TOTAL_OUTPUT',
      nextToken: best.data?.allTimeRankings.nextToken ?? null,
    });
    expect(total.errors).toMatchObject([
      { errorType: 'ValidationError', message: 'nextToken is not a token issued by this query' },
    ]);
  });

  it('answers a class nobody raced with an empty page', async () => {
    const { data } = await api.call(AllTimeRankingsDocument, { classId: 1, by: 'TOTAL_OUTPUT' });
    expect(data?.allTimeRankings).toEqual({ items: [], nextToken: null, previousToken: null });
  });
});
