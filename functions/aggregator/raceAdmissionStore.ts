/**
 * DynamoDB adapter of a race's admission (core/raceAdmission.ts): reserves
 * slots on the race's counter for the riders a shard's window brings for the
 * first time, first come up to the cap, and writes a marker for each rider
 * admitted. Riders beyond the cap are refused: the caller drops them.
 *
 * The counter is updated with a condition on the total and on this shard's
 * own reservation, so two shards (or a retried final invocation and the next
 * one) can never hand out more than the cap or reserve twice for the same riders.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  admittedRiderKey,
  ITEM_ADMITTED_RIDER,
  ITEM_RACE_ADMISSION,
  raceAdmissionKey,
  racerIdOfRiderMapKey,
} from '../../core/keys.js';
import {
  ADMIT_ADD_MAX_IDS,
  ADMIT_LINK_MAX_IDS,
  admittedLinks,
  admittedOf,
  reservationAttribute,
  reservedOf,
} from '../../core/raceAdmission.js';
import { transientExpiresAt } from '../../core/expiresAt.js';
import { chunk, forEachLimited } from '../../lib/concurrency.js';
import { isConditionFailure } from '../runtime/conditionalWrite.js';
import { ConflictError } from '../runtime/errors.js';

export interface AdmissionRef {
  classId: number;
  raceId: number;
  shardId: string;
}

export interface AdmissionOutcome {
  /** Rider map keys of the newcomers admitted, in the order given. */
  admitted: string[];
  /** Newcomers refused (the race is full). */
  refused: number;
  /** The race has no slot left after this admission (undefined: no newcomers, the counter was not read). */
  full: boolean | undefined;
}

const MAX_CONFLICTS = 10;

async function readCounter(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: AdmissionRef,
): Promise<Record<string, unknown> | undefined> {
  const key = raceAdmissionKey(ref.classId, ref.raceId);
  return (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

/** Adds `k` slots to the shard's reservation if the race has room and nobody moved it since `reserved` was read. */
async function reserve(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: AdmissionRef,
  cap: number,
  reserved: number,
  k: number,
  expiresAt: number,
): Promise<boolean> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: raceAdmissionKey(ref.classId, ref.raceId),
        UpdateExpression:
          'SET #a = if_not_exists(#a, :zero) + :k, #r = if_not_exists(#r, :zero) + :k, #cap = :cap, #t = :t, #c = :c, #race = :race, expiresAt = :exp',
        ConditionExpression: `(attribute_not_exists(#a) OR #a <= :room) AND ${
          reserved === 0 ? '(attribute_not_exists(#r) OR #r = :zero)' : '#r = :old'
        }`,
        ExpressionAttributeNames: {
          '#a': 'admitted',
          '#r': reservationAttribute(ref.shardId),
          '#cap': 'cap',
          '#t': 'itemType',
          '#c': 'classId',
          '#race': 'raceId',
        },
        ExpressionAttributeValues: {
          ':zero': 0,
          ':k': k,
          ':room': cap - k,
          ':cap': cap,
          ':t': ITEM_RACE_ADMISSION,
          ':c': ref.classId,
          ':race': ref.raceId,
          ':exp': expiresAt,
          ...(reserved === 0 ? {} : { ':old': reserved }),
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Admits `newcomers` (rider map keys, in arrival order) of a shard whose
 * part already holds `used` riders: first the slots the shard holds and has
 * not used (a retried window's), then new slots while the race has room.
 */
export async function admitNewcomers(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: AdmissionRef,
  cap: number,
  used: number,
  newcomers: readonly string[],
  writtenAtMillis: number = Date.now(),
): Promise<AdmissionOutcome> {
  // Working state of a running race, like its live parts (core/expiresAt.ts).
  const expiresAt = transientExpiresAt(writtenAtMillis);
  if (newcomers.length === 0) return { admitted: [], refused: 0, full: undefined };
  let granted = 0;
  let full = false;
  for (let attempt = 0; ; attempt += 1) {
    if (attempt >= MAX_CONFLICTS) {
      throw new ConflictError(
        `admission of race ${ref.classId}:${ref.raceId} kept changing under ${MAX_CONFLICTS} attempts`,
      );
    }
    const item = await readCounter(ddb, tableName, ref);
    const reserved = reservedOf(item, ref.shardId);
    const free = Math.max(0, reserved - used);
    const room = Math.max(0, cap - admittedOf(item));
    const k = Math.min(Math.max(0, newcomers.length - free), room);
    if (k === 0) {
      granted = Math.min(newcomers.length, free);
      full = room === 0;
      break;
    }
    if (await reserve(ddb, tableName, ref, cap, reserved, k, expiresAt)) {
      granted = Math.min(newcomers.length, free + k);
      full = admittedOf(item) + k >= cap;
      break;
    }
  }
  const admitted = newcomers.slice(0, granted);
  // Set additions per bucket (core/keys.ts admittedRiderKey): a race's first windows admit
  // thousands of riders, and other races of the shard wait for these writes.
  const byBucket = new Map<string, string[]>();
  for (const mapKey of admitted) {
    const racerId = racerIdOfRiderMapKey(mapKey);
    const bucket = admittedRiderKey(ref.classId, ref.raceId, racerId).SK;
    const ids = byBucket.get(bucket) ?? [];
    ids.push(racerId);
    byBucket.set(bucket, ids);
  }
  await forEachLimited([...byBucket.values()], 16, async (ids) => {
    for (const part of chunk(ids, ADMIT_ADD_MAX_IDS)) await addToBucket(ddb, tableName, ref, cap, part, expiresAt);
  });
  return { admitted, refused: newcomers.length - admitted.length, full };
}

/**
 * The first link of each race's bucket that may still have room, as far as
 * this container knows: links only fill up, so a later addition starts there.
 */
const openLinks = new Map<string, number>();

/**
 * Adds ids of one bucket to its first link with room for all of them (the
 * condition on the set's size keeps a link within ADMIT_LINK_MAX_IDS however
 * the ids were chosen).
 */
async function addToBucket(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: AdmissionRef,
  cap: number,
  racerIds: readonly string[],
  expiresAt: number,
): Promise<void> {
  const first = admittedRiderKey(ref.classId, ref.raceId, racerIds[0] as string);
  const cacheKey = `${first.PK}|${first.SK}`;
  const links = admittedLinks(cap);
  for (let link = openLinks.get(cacheKey) ?? 0; link < links; link += 1) {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: admittedRiderKey(ref.classId, ref.raceId, racerIds[0] as string, link),
          UpdateExpression: 'SET itemType = :t, classId = :c, raceId = :r, expiresAt = :exp ADD racerIds :ids',
          ConditionExpression: 'attribute_not_exists(racerIds) OR size(racerIds) <= :room',
          ExpressionAttributeValues: {
            ':t': ITEM_ADMITTED_RIDER,
            ':c': ref.classId,
            ':r': ref.raceId,
            ':ids': new Set(racerIds),
            ':room': ADMIT_LINK_MAX_IDS - racerIds.length,
            ':exp': expiresAt,
          },
        }),
      );
      openLinks.set(cacheKey, link);
      if (openLinks.size > OPEN_LINKS_KEPT) openLinks.delete(openLinks.keys().next().value as string);
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new ConflictError(`admission bucket ${cacheKey} has no room left in ${links} links`);
}

/** Buckets whose open link a container remembers (64 buckets of a few races at a time). */
const OPEN_LINKS_KEPT = 4096;
