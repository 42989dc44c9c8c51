/**
 * raceClasses, currentRace, race and races over the local AppSync runtime and
 * DynamoDB Local, with the client's operation documents.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CurrentRaceDocument,
  RaceClassesDocument,
  RaceDocument,
  RacesDocument,
} from '../../client/generated/operations.js';
import { openRaceKey } from '../../core/keys.js';
import { RACE_CLASSES } from '../../core/raceClasses.js';
import { allPages, clockInRace, putItems, RACE_SECONDS, raceAt, raceSummaryItem, useApi } from './api.js';

// 100 s into a race.
const NOW = clockInRace(100);
const CURRENT = raceAt(NOW);
const api = useApi(NOW);

describe('raceClasses', () => {
  it('lists the catalog in classId order', async () => {
    const { data, errors } = await api.call(RaceClassesDocument, {});
    expect(errors).toEqual([]);
    expect(data?.raceClasses).toEqual(
      RACE_CLASSES.map((c) => ({ classId: c.classId, name: c.name, description: c.description })),
    );
  });
});

describe('currentRace', () => {
  it('is the running slot of the race clock', async () => {
    const { data } = await api.call(CurrentRaceDocument, { classId: 5 });
    expect(data?.currentRace).toEqual({
      classId: 5,
      raceId: CURRENT,
      startsAt: new Date(CURRENT * RACE_SECONDS * 1000).toISOString(),
      endsAt: new Date((CURRENT + 1) * RACE_SECONDS * 1000).toISOString(),
      status: 'RUNNING',
      raceSeconds: RACE_SECONDS,
      competitors: null,
      finishers: null,
      winnerRacerId: null,
      winnerName: null,
      bestOutput: null,
    });
  });

  it('answers a class outside the catalog with a ValidationError naming classId', async () => {
    const { data, errors } = await api.call(CurrentRaceDocument, { classId: 42 });
    expect(data).toBeNull();
    expect(errors).toMatchObject([
      { errorType: 'ValidationError', message: 'classId must be a class of the catalog', path: ['currentRace'] },
    ]);
  });
});

describe('race', () => {
  it('shows a finished race with the summary the finalizer wrote', async () => {
    await putItems(api, [
      raceSummaryItem(1, CURRENT - 3, {
        competitors: 40,
        finishers: 38,
        winnerRacerId: 'w1',
        winnerName: 'Winnie',
        bestOutput: 321.5,
      }),
    ]);
    const { data } = await api.call(RaceDocument, { classId: 1, raceId: CURRENT - 3 });
    expect(data?.race).toMatchObject({
      status: 'FINISHED',
      competitors: 40,
      finishers: 38,
      winnerRacerId: 'w1',
      winnerName: 'Winnie',
      bestOutput: 321.5,
    });
  });

  it('shows the running race and a future race from the clock, without a summary', async () => {
    const running = await api.call(RaceDocument, { classId: 1, raceId: CURRENT });
    expect(running.data?.race).toMatchObject({
      raceId: CURRENT,
      status: 'RUNNING',
      competitors: null,
      winnerRacerId: null,
    });
    const later = await api.call(RaceDocument, { classId: 1, raceId: CURRENT + 2 });
    expect(later.data?.race.status).toBe('SCHEDULED');
  });
});

describe('races', () => {
  const CLASS = 2;
  const first = CURRENT - 30;
  const ids = Array.from({ length: 25 }, (_, i) => first + i);

  beforeAll(async () => {
    await putItems(api, [
      ...ids.map((raceId, i) =>
        raceSummaryItem(CLASS, raceId, {
          competitors: i + 1,
          finishers: i,
          winnerRacerId: `w${i}`,
          bestOutput: 100 + i,
        }),
      ),
      // Neither an open race of this class nor a race of another class is a finished race of this class.
      { ...openRaceKey(CLASS, CURRENT - 1), itemType: 'OpenRace', classId: CLASS, raceId: CURRENT - 1 },
      raceSummaryItem(3, CURRENT - 2, { competitors: 1, finishers: 1, winnerRacerId: 'x', bestOutput: 1 }),
    ]);
  });

  it('pages through finished races newest first', async () => {
    const pages = await allPages(async (nextToken) => {
      const res = await api.call(RacesDocument, { classId: CLASS, limit: 10, nextToken });
      expect(res.errors).toEqual([]);
      return res.data?.races;
    });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    const races = pages.flat();
    expect(races.map((r) => r.raceId)).toEqual([...ids].reverse());
    for (const r of races) {
      expect(r.status).toBe('FINISHED');
      expect(r.competitors).toBe(r.raceId - first + 1);
    }
  });

  it('returns 20 races by default', async () => {
    const { data } = await api.call(RacesDocument, { classId: CLASS });
    expect(data?.races.items.map((r) => r.raceId)).toEqual([...ids].reverse().slice(0, 20));
    expect(data?.races.nextToken).not.toBeNull();
  });

  it.each([0, 101])('refuses limit %i with a ValidationError naming limit', async (limit) => {
    const { errors } = await api.call(RacesDocument, { classId: CLASS, limit });
    expect(errors).toMatchObject([{ errorType: 'ValidationError', message: 'limit must be an integer 1..100' }]);
  });

  it('refuses a malformed nextToken and a token of another class', async () => {
    const bad = await api.call(RacesDocument, { classId: CLASS, nextToken: 'garbage!' });
    expect(bad.errors).toMatchObject([
      { errorType: 'ValidationError', message: 'nextToken is not a token issued by this query' },
    ]);
    const page = await api.call(RacesDocument, { classId: CLASS, limit: 1 });
    const other = await api.call(RacesDocument, { classId: 3, nextToken: page.data?.races.nextToken ?? null });
    expect(other.errors).toMatchObject([
      { errorType: 'ValidationError', message: 'nextToken is not a token issued by this query' },
    ]);
  });
});
