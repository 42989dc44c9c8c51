/**
 * racer (a pipeline of two Queries) over the local AppSync runtime and
 * DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { RacerDocument } from '../../client/generated/operations.js';
import { allTimeItem, clockInRace, putItems, raceAt, resultItem, rider, useApi } from './api.js';

const NOW = clockInRace(10);
const RACE = raceAt(NOW) - 1;
const api = useApi(NOW);

describe('racer', () => {
  it('shows per-class stats and the 20 newest results across classes, newest first', async () => {
    const id = rider('stats');
    // 25 races: even ones in class 2, odd ones in class 3; the newest carry the newest name.
    const races = Array.from({ length: 25 }, (_, i) => RACE - 24 + i);
    await putItems(api, [
      ...races.map((raceId, i) =>
        resultItem(i % 2 === 0 ? 2 : 3, raceId, id, 50 + i, {
          name: i >= 20 ? 'New Name' : 'Old Name',
          finished: i !== 24,
        }),
      ),
      allTimeItem(id, 2, {
        name: 'New Name',
        bestOutput: 74,
        bestRaceId: RACE,
        racesCompleted: 13,
        totalOutput: 806,
        lastRaceId: RACE,
      }),
      allTimeItem(id, 3, {
        name: 'New Name',
        bestOutput: 73,
        bestRaceId: RACE - 1,
        racesCompleted: 12,
        totalOutput: 744,
        lastRaceId: RACE - 1,
      }),
      // Another rider whose id starts with this one's must not leak in.
      allTimeItem(`${id}x`, 2, { bestOutput: 1, bestRaceId: 1, racesCompleted: 1, totalOutput: 1, lastRaceId: 1 }),
      resultItem(2, RACE, `${id}x`, 1),
    ]);
    const { data, errors } = await api.call(RacerDocument, { racerId: id });
    expect(errors).toEqual([]);
    const stats = data?.racer;
    expect(stats?.racerId).toBe(id);
    expect(stats?.name).toBe('New Name');
    expect(stats?.classes).toEqual(
      [
        { classId: 2, bestOutput: 74, bestRaceId: RACE, racesCompleted: 13, totalOutput: 806, lastRaceId: RACE },
        {
          classId: 3,
          bestOutput: 73,
          bestRaceId: RACE - 1,
          racesCompleted: 12,
          totalOutput: 744,
          lastRaceId: RACE - 1,
        },
      ].map((c) => ({ ...c, bestRank: 1, totalRank: 1 })),
    );
    expect(stats?.recentResults).toHaveLength(20);
    expect(stats?.recentResults.map((r) => r.raceId)).toEqual([...races].reverse().slice(0, 20));
    expect(stats?.recentResults[0]).toEqual({ classId: 2, raceId: RACE, output: 74, finished: false, rank: null });
    expect(stats?.recentResults[1]).toEqual({ classId: 3, raceId: RACE - 1, output: 73, finished: true, rank: null });
  });

  it('shows a rider with results but no all-time stats yet', async () => {
    const id = rider('fresh');
    await putItems(api, [resultItem(1, RACE, id, 10)]);
    const { data } = await api.call(RacerDocument, { racerId: id });
    expect(data?.racer).toEqual({
      racerId: id,
      name: null,
      classes: [],
      recentResults: [{ classId: 1, raceId: RACE, output: 10, finished: true, rank: null }],
    });
  });

  it('is null for a rider who never finished a race', async () => {
    const { data, errors } = await api.call(RacerDocument, { racerId: rider('nobody') });
    expect(errors).toEqual([]);
    expect(data).toEqual({ racer: null });
  });

  it('refuses a racerId outside the contract format', async () => {
    const { data, errors } = await api.call(RacerDocument, { racerId: 'no spaces' });
    expect(data).toEqual({ racer: null });
    expect(errors).toMatchObject([
      { errorType: 'ValidationError', message: 'racerId must match ^[A-Za-z0-9_-]{1,64}$', path: ['racer'] },
    ]);
  });
});
