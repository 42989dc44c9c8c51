import { describe, expect, it } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  bestUpdate,
  changeUpdate,
  countUpdate,
  indexRefresh,
  newestRace,
} from '../../functions/allTime/allTimeUpdates.js';
import { decimalDifference } from '../../functions/allTime/decimalDifference.js';
import { parseResultImage, parseResultRecord } from '../../functions/allTime/resultImage.js';
import { buildResultItem } from '../../core/resultItem.js';
import {
  ALLTIME_SHARDS,
  allTimeBestPk,
  allTimeIndexKeys,
  allTimeKey,
  allTimeTotalPk,
  rankKey,
  writeShard,
} from '../../core/keys.js';

const result = { racerId: 'r1', classId: 3, raceId: 77, name: 'Ria', output: 42.5, finished: true };

describe('all-time core: reading results from the stream', () => {
  it('reads a Result NEW_IMAGE', () => {
    const image = marshall(
      buildResultItem({
        classId: 3,
        raceId: 77,
        racerId: 'r1',
        name: 'Ria',
        output: 42.5,
        lastSecond: 300,
        finished: true,
      }),
    );
    expect(parseResultImage(image)).toEqual({ ok: true, result });
  });

  it('refuses images that are not results, with a reason', () => {
    expect(parseResultImage(marshall({ PK: 'x', SK: 'y', itemType: 'Race' }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not a Result'),
    });
    expect(parseResultImage(undefined)).toMatchObject({ ok: false });
    expect(parseResultImage(marshall({ itemType: 'Result', racerId: 'a' }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('lacks'),
    });
  });
});

describe('all-time core: update expressions', () => {
  it('counts a race once, guarded by the set of counted races', () => {
    const u = countUpdate(result);
    expect(u.Key).toEqual(allTimeKey('r1', 3));
    expect(u.UpdateExpression).toBe(
      'SET racesCompleted = if_not_exists(racesCompleted, :zero) + :one, totalOutput = if_not_exists(totalOutput, :zero) + :o, racerId = :racer, classId = :class, itemType = :type, #name = :name ADD countedRaces :raceSet',
    );
    expect(u.ConditionExpression).toBe(
      'attribute_not_exists(countedRaces) OR NOT contains(countedRaces, :raceIdString)',
    );
    expect(u.ExpressionAttributeValues[':raceSet']).toEqual(new Set(['77']));
    expect(u.ExpressionAttributeValues[':o']).toBe(42.5);
    expect(countUpdate({ ...result, name: undefined }).ExpressionAttributeNames).toBeUndefined();
  });

  it('raises the personal best only if strictly greater', () => {
    const u = bestUpdate(result);
    expect(u.UpdateExpression).toBe('SET bestOutput = :o, bestRaceId = :race');
    expect(u.ConditionExpression).toBe(
      'attribute_exists(countedRaces) AND (attribute_not_exists(bestOutput) OR bestOutput < :o)',
    );
    expect(u.ExpressionAttributeValues).toEqual({ ':o': 42.5, ':race': 77 });
  });

  it('refreshes index keys from the values read, conditioned on them', () => {
    const item = {
      racerId: 'r1',
      classId: 3,
      bestOutput: 50,
      totalOutput: 120,
      countedRaces: new Set(['70', '77', '9']),
    };
    const u = indexRefresh(item);
    expect(u?.ConditionExpression).toBe('size(countedRaces) = :n AND bestOutput = :b AND totalOutput = :t');
    expect(u?.ExpressionAttributeValues).toMatchObject({
      ':k1': rankKey(50, 'r1'),
      ':k2': rankKey(120, 'r1'),
      ':n': 3,
      ':last': 77,
    });
    // Already up to date: nothing to write.
    const keys = allTimeIndexKeys('r1', 3, 50, 120);
    expect(indexRefresh({ ...item, ...keys, lastRaceId: 77 })).toBeNull();
    // Indexed in the unsharded partition (before write sharding): moved to the rider's shard.
    const moved = indexRefresh({
      ...item,
      ...keys,
      GSI1PK: allTimeBestPk(3),
      GSI2PK: allTimeTotalPk(3),
      lastRaceId: 77,
    });
    expect(writeShard('r1', ALLTIME_SHARDS)).not.toBe(0);
    expect(moved?.ExpressionAttributeValues).toMatchObject({ ':p1': keys.GSI1PK, ':p2': keys.GSI2PK });
  });

  it('takes lastRaceId as the newest counted race, whatever order they came in', () => {
    expect(newestRace(new Set(['100', '99', '1000']))).toBe(1000);
    expect(newestRace(undefined)).toBeUndefined();
  });
});

describe('all-time core: replaced results (a late final over a not-finished result)', () => {
  const image = (output: number, finished: boolean, name?: string) =>
    marshall(
      buildResultItem({
        classId: 3,
        raceId: 77,
        racerId: 'r1',
        output,
        lastSecond: finished ? 300 : 120,
        finished,
        ...(name ? { name } : {}),
      }),
    );
  const modify = (oldImage: unknown, newImage: unknown, seq = '4900000000000000000001') => ({
    eventName: 'MODIFY',
    dynamodb: { OldImage: oldImage, NewImage: newImage, SequenceNumber: seq },
  });

  it('reads a Result MODIFY as a change from the old to the new result, named by its sequence number', () => {
    expect(parseResultRecord(modify(image(40.5, false), image(95.125, true, 'Ria')))).toEqual({
      kind: 'change',
      change: {
        before: { racerId: 'r1', classId: 3, raceId: 77, output: 40.5, finished: false },
        after: { racerId: 'r1', classId: 3, raceId: 77, output: 95.125, finished: true, name: 'Ria' },
        sequenceNumber: '4900000000000000000001',
      },
    });
    expect(parseResultRecord({ eventName: 'INSERT', dynamodb: { NewImage: image(42.5, true, 'Ria') } })).toEqual({
      kind: 'insert',
      result,
    });
  });

  it('a MODIFY that changes nothing counted is unchanged; malformed or foreign records are ignored with a reason', () => {
    expect(parseResultRecord(modify(image(50, false), image(50, true)))).toEqual({ kind: 'unchanged' });
    expect(parseResultRecord(modify(undefined, image(60, true)))).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('NEW_AND_OLD_IMAGES'),
    });
    expect(parseResultRecord(modify(marshall({ itemType: 'Race' }), image(60, true)))).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('old image'),
    });
    expect(parseResultRecord({ eventName: 'REMOVE', dynamodb: {} })).toMatchObject({ kind: 'ignored' });
    const other = marshall(
      buildResultItem({ classId: 3, raceId: 78, racerId: 'r1', output: 1, lastSecond: 1, finished: false }),
    );
    expect(parseResultRecord(modify(other, image(60, true)))).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('different'),
    });
  });

  it('applies the exact decimal difference once, guarded by the counted race and the applied changes', () => {
    const u = changeUpdate({
      before: { ...result, output: 1.5, finished: false },
      after: { ...result, output: 2.4 },
      sequenceNumber: '49001',
    });
    expect(u.Key).toEqual(allTimeKey('r1', 3));
    expect(u.UpdateExpression).toBe(
      'SET totalOutput = totalOutput + :delta, #name = :name ADD appliedChanges :changeSet',
    );
    expect(u.ConditionExpression).toBe(
      'contains(countedRaces, :raceIdString) AND (attribute_not_exists(appliedChanges) OR NOT contains(appliedChanges, :change))',
    );
    expect(String(u.ExpressionAttributeValues[':delta'])).toBe('0.9');
    expect(u.ExpressionAttributeValues).toMatchObject({
      ':raceIdString': '77',
      ':change': '49001',
      ':changeSet': new Set(['49001']),
    });
  });

  it('counting a race from a change records the change as applied', () => {
    const u = countUpdate(result, '49001');
    expect(u.UpdateExpression).toMatch(/ ADD countedRaces :raceSet, appliedChanges :changeSet$/);
    expect(u.ExpressionAttributeValues[':changeSet']).toEqual(new Set(['49001']));
  });

  it('subtracts decimals exactly', () => {
    expect(2.4 - 1.5).not.toBe(0.9);
    expect(decimalDifference(2.4, 1.5)).toBe('0.9');
    expect(decimalDifference(1.5, 2.4)).toBe('-0.9');
    expect(decimalDifference(95.125, 40.5)).toBe('54.625');
    expect(decimalDifference(7, 7)).toBe('0');
    expect(decimalDifference(1e21, 1)).toBe('999999999999999999999');
    expect(decimalDifference(1e-7, 0)).toBe('0.0000001');
    expect(decimalDifference(-0.5, 0.25)).toBe('-0.75');
    expect(() => decimalDifference(Number.NaN, 1)).toThrow(RangeError);
  });
});
