/** Sends the all-time updates of one result or one result change (see allTimeUpdates.ts). */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { allTimeKey } from '../../core/keys.js';
import { ConflictError } from '../runtime/errors.js';
import type { AllTimeProgress, UpdateSpec } from './allTimeUpdates.js';
import { bestUpdate, changeUpdate, countUpdate, indexRefresh } from './allTimeUpdates.js';
import type { CountedResult, ResultChange } from './resultImage.js';
import { isConditionFailure } from '../runtime/conditionalWrite.js';
import { moveIndexKeys } from './rankTreeStore.js';

const MAX_REFRESH_CONFLICTS = 10;

/** Sends a conditional update; returns the new item, or null if the condition failed. */
async function conditional(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  spec: UpdateSpec,
): Promise<AllTimeProgress | null> {
  try {
    const res = await ddb.send(new UpdateCommand({ TableName: tableName, ...spec, ReturnValues: 'ALL_NEW' }));
    return (res.Attributes ?? null) as AllTimeProgress | null;
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
}

export interface ApplyOutcome {
  /** False when the race was already counted (a replay). */
  counted: boolean;
  bestRaised: boolean;
  /** The rider's item as it stood after the update, index keys in line (for the ranking heads). */
  item: AllTimeProgress;
}

/** Applies one result to its rider's all-time item. Safe to repeat and to run concurrently. */
export async function applyResult(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  r: CountedResult,
): Promise<ApplyOutcome> {
  const afterCount = await conditional(ddb, tableName, countUpdate(r));
  const afterBest = await conditional(ddb, tableName, bestUpdate(r));
  const item = await refreshIndexKeys(ddb, tableName, r, afterBest ?? afterCount);
  return { counted: afterCount !== null, bestRaised: afterBest !== null, item };
}

/**
 * Applies a replaced result (a stream MODIFY) once: the difference to the
 * total if the race is counted, else the race counted with the new output;
 * then the best and the index keys. Safe to repeat and to run concurrently
 * with the INSERT of the same result: if the delta finds the race uncounted
 * and the count then finds it counted, the INSERT got in between, and the
 * delta is tried again (now decisively: counted, so it applies or is a replay).
 */
export async function applyChange(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  c: ResultChange,
): Promise<ApplyOutcome> {
  let changed = await conditional(ddb, tableName, changeUpdate(c));
  if (changed === null) changed = await conditional(ddb, tableName, countUpdate(c.after, c.sequenceNumber));
  if (changed === null) changed = await conditional(ddb, tableName, changeUpdate(c));
  const afterBest = await conditional(ddb, tableName, bestUpdate(c.after));
  const item = await refreshIndexKeys(ddb, tableName, c.after, afterBest ?? changed);
  return { counted: changed !== null, bestRaised: afterBest !== null, item };
}

/** (3) Brings the index keys in line with the values, re-reading on a conflict; returns the item as it then is. */
async function refreshIndexKeys(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  r: CountedResult,
  known: AllTimeProgress | null,
): Promise<AllTimeProgress> {
  let item = known;
  for (let attempt = 0; attempt < MAX_REFRESH_CONFLICTS; attempt += 1) {
    if (item === null) {
      const got = await ddb.send(
        new GetCommand({ TableName: tableName, Key: allTimeKey(r.racerId, r.classId), ConsistentRead: true }),
      );
      item = (got.Item ?? null) as AllTimeProgress | null;
      if (item === null) throw new ConflictError(`all-time item of ${r.racerId} in class ${r.classId} vanished`);
    }
    const refresh = indexRefresh(item);
    if (refresh === null) return item;
    // With the rank trees' counts (rankTreeStore.ts): the keys and the counts move together.
    const refreshed = await moveIndexKeys(ddb, tableName, item, refresh);
    if (refreshed !== null) return refreshed;
    // Someone changed the values in between: read them and derive the keys again.
    item = null;
  }
  throw new ConflictError(`index keys of ${r.racerId} in class ${r.classId} kept changing`);
}
