/**
 * The all-time stats of a rider in a class, kept by idempotent conditional
 * updates per result (pure builders; applyResult.ts sends them).
 *
 * 1. count: races and total output, guarded by the set of races already
 *    counted — a replayed stream record fails the condition and changes nothing.
 * 2. best: personal best and its race, only if greater — replaying it fails
 *    the condition too. It runs even when (1) was a replay, so a delivery that
 *    crashed between (1) and (2) is completed by the retry.
 * 3. index refresh: the GSI sort keys (rankKey of best and of total) and
 *    lastRaceId (the newest counted race), conditioned on the very values they
 *    were computed from, so concurrent updates cannot leave a stale key.
 *
 * Which results count: every Result INSERT (finished or not; the schema's
 * racesCompleted is "races with a result"). A Result MODIFY — a final record
 * arriving after the race was closed with a not-finished result, replacing
 * it — is a change of an already counted race: (4) adds new − old output to
 * the total (racesCompleted stays), then (2) raises the best if the new output
 * is greater. Its guard is the set of applied changes (`appliedChanges`, the
 * stream sequence numbers of the MODIFY records applied), so a redelivered
 * MODIFY changes nothing. Should a MODIFY be applied before its race was
 * counted (its INSERT failed in the same batch, or was given up on), the race
 * is counted with the new output instead (1 with the sequence number), and
 * the INSERT, when it comes, finds the race counted.
 */
import { NumberValue } from '@aws-sdk/lib-dynamodb';
import type { AllTimeItem } from '../../core/allTimeItem.js';
import { ITEM_ALLTIME, allTimeIndexKeys, allTimeKey } from '../../core/keys.js';
import { decimalDifference } from './decimalDifference.js';
import type { CountedResult, ResultChange } from './resultImage.js';

export interface UpdateSpec {
  Key: { PK: string; SK: string };
  UpdateExpression: string;
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * (1) Counts the result once: racesCompleted, totalOutput, name, countedRaces.
 * `changeSequence`: the MODIFY record this result comes from, recorded as
 * applied with it (see the header).
 */
export function countUpdate(r: CountedResult, changeSequence?: string): UpdateSpec {
  const values: Record<string, unknown> = {
    ':zero': 0,
    ':one': 1,
    ':o': r.output,
    ':racer': r.racerId,
    ':class': r.classId,
    ':type': ITEM_ALLTIME,
    ':raceSet': new Set([String(r.raceId)]),
    ':raceIdString': String(r.raceId),
  };
  const set = [
    'racesCompleted = if_not_exists(racesCompleted, :zero) + :one',
    'totalOutput = if_not_exists(totalOutput, :zero) + :o',
    'racerId = :racer',
    'classId = :class',
    'itemType = :type',
  ];
  const names: Record<string, string> = {};
  if (r.name !== undefined) {
    set.push('#name = :name');
    names['#name'] = 'name';
    values[':name'] = r.name;
  }
  let add = 'countedRaces :raceSet';
  if (changeSequence !== undefined) {
    add += ', appliedChanges :changeSet';
    values[':changeSet'] = new Set([changeSequence]);
  }
  return {
    Key: allTimeKey(r.racerId, r.classId),
    UpdateExpression: `SET ${set.join(', ')} ADD ${add}`,
    ConditionExpression: 'attribute_not_exists(countedRaces) OR NOT contains(countedRaces, :raceIdString)',
    ...(r.name === undefined ? {} : { ExpressionAttributeNames: names }),
    ExpressionAttributeValues: values,
  };
}

/**
 * (4) Applies a change of an already counted result once: totalOutput by the
 * exact decimal difference new − old (and the name). Guarded by the race being
 * counted and the change not yet applied.
 */
export function changeUpdate(c: ResultChange): UpdateSpec {
  const values: Record<string, unknown> = {
    ':delta': NumberValue.from(decimalDifference(c.after.output, c.before.output)),
    ':raceIdString': String(c.after.raceId),
    ':changeSet': new Set([c.sequenceNumber]),
    ':change': c.sequenceNumber,
  };
  let set = 'totalOutput = totalOutput + :delta';
  const names: Record<string, string> = {};
  if (c.after.name !== undefined) {
    set += ', #name = :name';
    names['#name'] = 'name';
    values[':name'] = c.after.name;
  }
  return {
    Key: allTimeKey(c.after.racerId, c.after.classId),
    UpdateExpression: `SET ${set} ADD appliedChanges :changeSet`,
    ConditionExpression:
      'contains(countedRaces, :raceIdString) AND (attribute_not_exists(appliedChanges) OR NOT contains(appliedChanges, :change))',
    ...(c.after.name === undefined ? {} : { ExpressionAttributeNames: names }),
    ExpressionAttributeValues: values,
  };
}

/** (2) Raises the personal best (strictly greater: an equal later output keeps the earlier race). */
export function bestUpdate(r: CountedResult): UpdateSpec {
  return {
    Key: allTimeKey(r.racerId, r.classId),
    UpdateExpression: 'SET bestOutput = :o, bestRaceId = :race',
    ConditionExpression: 'attribute_exists(countedRaces) AND (attribute_not_exists(bestOutput) OR bestOutput < :o)',
    ExpressionAttributeValues: { ':o': r.output, ':race': r.raceId },
  };
}

/** What the refresh reads of a stored all-time item (the updates before it may not have set every field). */
export type AllTimeProgress = Pick<AllTimeItem, 'racerId' | 'classId'> &
  Partial<
    Pick<
      AllTimeItem,
      'bestOutput' | 'totalOutput' | 'countedRaces' | 'lastRaceId' | 'GSI1PK' | 'GSI1SK' | 'GSI2PK' | 'GSI2SK'
    >
  >;

/** Newest race counted (race ids are time slots). */
export function newestRace(counted: ReadonlySet<string> | undefined): number | undefined {
  let max: number | undefined;
  for (const s of counted ?? []) {
    const n = Number(s);
    if (Number.isFinite(n) && (max === undefined || n > max)) max = n;
  }
  return max;
}

/**
 * (3) The index keys and lastRaceId that `item` should have, conditioned on
 * the values they derive from; null if the item already has them.
 */
export function indexRefresh(item: AllTimeProgress): UpdateSpec | null {
  const best = item.bestOutput ?? 0;
  const total = item.totalOutput ?? 0;
  const keys = allTimeIndexKeys(item.racerId, item.classId, best, total);
  const last = newestRace(item.countedRaces);
  // The partitions too: an item indexed before its write shard was (docs/data-model.md) is moved there.
  const placed = item.GSI1PK === keys.GSI1PK && item.GSI2PK === keys.GSI2PK;
  if (placed && item.GSI1SK === keys.GSI1SK && item.GSI2SK === keys.GSI2SK && item.lastRaceId === last) return null;
  const values: Record<string, unknown> = {
    ':p1': keys.GSI1PK,
    ':k1': keys.GSI1SK,
    ':p2': keys.GSI2PK,
    ':k2': keys.GSI2SK,
    ':n': item.countedRaces?.size ?? 0,
  };
  const cond = ['size(countedRaces) = :n'];
  if (item.bestOutput === undefined) cond.push('attribute_not_exists(bestOutput)');
  else {
    cond.push('bestOutput = :b');
    values[':b'] = item.bestOutput;
  }
  if (item.totalOutput === undefined) cond.push('attribute_not_exists(totalOutput)');
  else {
    cond.push('totalOutput = :t');
    values[':t'] = item.totalOutput;
  }
  let set = 'GSI1PK = :p1, GSI1SK = :k1, GSI2PK = :p2, GSI2SK = :k2';
  if (last !== undefined) {
    set += ', lastRaceId = :last';
    values[':last'] = last;
  }
  return {
    Key: allTimeKey(item.racerId, item.classId),
    UpdateExpression: `SET ${set}`,
    ConditionExpression: cond.join(' AND '),
    ExpressionAttributeValues: values,
  };
}
