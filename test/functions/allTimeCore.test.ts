import { describe, expect, it } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import { bestUpdate, countUpdate, indexRefresh, newestRace } from '../../functions/allTime/allTimeUpdates.js';
import { parseResultImage } from '../../functions/allTime/resultImage.js';
import { buildResultItem } from '../../functions/finalizer/resultItem.js';
import { allTimeKey, rankKey } from '../../core/keys.js';

const result = { racerId: 'r1', classId: 3, raceId: 77, name: 'Ria', output: 42.5, finished: true };

describe('all-time core: reading results from the stream', () => {
  it('reads a Result NEW_IMAGE', () => {
    const image = marshall(buildResultItem({ classId: 3, raceId: 77, racerId: 'r1', name: 'Ria', output: 42.5, lastSecond: 300, finished: true }));
    expect(parseResultImage(image)).toEqual({ ok: true, result });
  });

  it('refuses images that are not results, with a reason', () => {
    expect(parseResultImage(marshall({ PK: 'x', SK: 'y', itemType: 'Race' }))).toMatchObject({ ok: false, reason: expect.stringContaining('not a Result') });
    expect(parseResultImage(undefined)).toMatchObject({ ok: false });
    expect(parseResultImage(marshall({ itemType: 'Result', racerId: 'a' }))).toMatchObject({ ok: false, reason: expect.stringContaining('lacks') });
  });
});

describe('all-time core: update expressions', () => {
  it('counts a race once, guarded by the set of counted races', () => {
    const u = countUpdate(result);
    expect(u.Key).toEqual(allTimeKey('r1', 3));
    expect(u.UpdateExpression).toBe(
      'SET racesCompleted = if_not_exists(racesCompleted, :zero) + :one, totalOutput = if_not_exists(totalOutput, :zero) + :o, racerId = :racer, classId = :class, itemType = :type, #name = :name ADD countedRaces :raceSet',
    );
    expect(u.ConditionExpression).toBe('attribute_not_exists(countedRaces) OR NOT contains(countedRaces, :raceIdString)');
    expect(u.ExpressionAttributeValues[':raceSet']).toEqual(new Set(['77']));
    expect(u.ExpressionAttributeValues[':o']).toBe(42.5);
    expect(countUpdate({ ...result, name: undefined }).ExpressionAttributeNames).toBeUndefined();
  });

  it('raises the personal best only if strictly greater', () => {
    const u = bestUpdate(result);
    expect(u.UpdateExpression).toBe('SET bestOutput = :o, bestRaceId = :race');
    expect(u.ConditionExpression).toBe('attribute_exists(countedRaces) AND (attribute_not_exists(bestOutput) OR bestOutput < :o)');
    expect(u.ExpressionAttributeValues).toEqual({ ':o': 42.5, ':race': 77 });
  });

  it('refreshes index keys from the values read, conditioned on them', () => {
    const item = { racerId: 'r1', classId: 3, bestOutput: 50, totalOutput: 120, countedRaces: new Set(['70', '77', '9']) };
    const u = indexRefresh(item);
    expect(u?.ConditionExpression).toBe('size(countedRaces) = :n AND bestOutput = :b AND totalOutput = :t');
    expect(u?.ExpressionAttributeValues).toMatchObject({ ':k1': rankKey(50, 'r1'), ':k2': rankKey(120, 'r1'), ':n': 3, ':last': 77 });
    // Already up to date: nothing to write.
    expect(indexRefresh({ ...item, GSI1SK: rankKey(50, 'r1'), GSI2SK: rankKey(120, 'r1'), lastRaceId: 77 })).toBeNull();
  });

  it('takes lastRaceId as the newest counted race, whatever order they came in', () => {
    expect(newestRace(new Set(['100', '99', '1000']))).toBe(1000);
    expect(newestRace(undefined)).toBeUndefined();
  });
});
