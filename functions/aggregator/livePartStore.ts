/**
 * DynamoDB adapter of the LivePart items: one item per (race, shard), written
 * only by the aggregator of that shard, with optimistic concurrency on
 * `version` so that two invocations (a retried final invocation racing a late
 * one, or a resharded stream) can never lose each other's riders.
 *
 * Each part also records `windowStart`, the newest tumbling window its shard
 * closed for the race (epoch ms, never moving backwards): the other shards
 * read it to decide which closer of a window publishes (publishDecision.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { livePartKey } from '../../core/keys.js';
import type { LiveRiders } from '../../core/livePart.js';
import { buildLivePartItem, mergeRiders } from '../../core/livePart.js';
import { isConditionFailure } from '../runtime/conditionalWrite.js';
import { ConflictError } from '../runtime/errors.js';
import { ridersOfItem, windowStartOf } from './livePartReads.js';
import { checkAgainstPart } from './checkAgainstPart.js';
import type { FirstRecords } from './toLiveRiders.js';

export interface LivePartRef {
  classId: number;
  raceId: number;
  shardId: string;
}

export interface WriteOutcome {
  /** False when the stored part already held everything (a replay): nothing written. */
  written: boolean;
  version: number;
  /** PutItem calls made (conflicts cause more than one). */
  putCalls: number;
  /** The window the stored part is at after the write (undefined: never recorded). */
  windowStart: number | undefined;
  /** Riders whose window progress broke a fair-play rule against the stored part (checkAgainstPart.ts). */
  refused: number;
}

const MAX_CONFLICTS = 10;

/**
 * What this container last wrote to each part (a part has one writer, its
 * shard's aggregator), so that the next window can skip the GetItem. If the
 * cache is stale (another invocation wrote the part meanwhile), the
 * conditional put fails and the write falls back to reading the item.
 */
export type LivePartCache = Map<string, CachedPart>;

interface CachedPart {
  version: number;
  riders: LiveRiders;
  windowStart: number | undefined;
}

/** Parts remembered per container (a shard sees a handful of races at once). */
export const LIVE_PART_CACHE_SIZE = 64;

function remember(cache: LivePartCache | undefined, key: string, value: CachedPart): void {
  if (cache === undefined) return;
  cache.delete(key);
  cache.set(key, value);
  while (cache.size > LIVE_PART_CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
}

/** The later of two windows (a part's window never moves backwards: a replayed old window keeps it). */
function laterWindow(stored: number | undefined, incoming: number | undefined): number | undefined {
  if (stored === undefined) return incoming;
  if (incoming === undefined) return stored;
  return Math.max(stored, incoming);
}

/**
 * Merges `incoming` into the stored part: the part as last written by this
 * container (`cache`) or else GetItem (strongly consistent), merge (newest
 * second per rider wins), PutItem conditioned on the version it was merged
 * with. A lost race re-reads and merges again.
 *
 * `windowStart` (the window being closed) is recorded in the same put. A
 * window whose records changed no rider (all stale) still writes once when
 * the part is at an older window, so that the other shards see this shard
 * has closed the window; a replay of a window already recorded writes nothing.
 */
export async function writeLivePart(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: LivePartRef,
  incoming: LiveRiders,
  updatedAt: string,
  cache?: LivePartCache,
  windowStart?: number,
  firsts?: FirstRecords,
): Promise<WriteOutcome> {
  const key = livePartKey(ref.classId, ref.raceId, ref.shardId);
  const cacheKey = `${key.PK}|${key.SK}`;
  let known = cache?.get(cacheKey);
  let putCalls = 0;
  for (let conflict = 0; conflict < MAX_CONFLICTS; conflict += 1) {
    let stored: LiveRiders;
    let version: number;
    let exists: boolean;
    let storedWindow: number | undefined;
    if (known !== undefined) {
      ({ riders: stored, version, windowStart: storedWindow } = known);
      exists = true;
      known = undefined;
    } else {
      const item = (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
      stored = ridersOfItem(item);
      version = typeof item?.version === 'number' ? item.version : 0;
      storedWindow = windowStartOf(item);
      exists = item !== undefined;
    }
    const checked =
      firsts === undefined ? { riders: incoming, refused: 0 } : checkAgainstPart(stored, incoming, firsts);
    const refused = checked.refused;
    const { riders, changed } = mergeRiders(stored, checked.riders);
    const window = laterWindow(storedWindow, windowStart);
    // Nothing new (a replay): the stored part already holds at least this much, this window included.
    if (!changed && exists && window === storedWindow)
      return { written: false, version, putCalls, windowStart: storedWindow, refused };
    try {
      putCalls += 1;
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: buildLivePartItem({ ...ref, riders, version: version + 1, updatedAt, windowStart: window }),
          ConditionExpression: 'attribute_not_exists(PK) OR version = :expected',
          ExpressionAttributeValues: { ':expected': version },
        }),
      );
      remember(cache, cacheKey, { version: version + 1, riders, windowStart: window });
      return { written: true, version: version + 1, putCalls, windowStart: window, refused };
    } catch (error) {
      cache?.delete(cacheKey);
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new ConflictError(`live part ${key.PK} ${key.SK} kept changing under ${MAX_CONFLICTS} attempts`);
}
