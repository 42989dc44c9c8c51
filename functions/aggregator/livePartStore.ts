/**
 * DynamoDB adapter of the LivePart items: one part per (race, shard), split
 * into pages (core/livePartPages.ts), written only by the aggregator of that
 * shard, each page with optimistic concurrency on its `version` so that two
 * invocations (a retried final invocation racing a late one, or a resharded
 * stream) can never lose each other's riders.
 *
 * Riders the shard has not placed before are admitted first
 * (raceAdmissionStore.ts): those whose first record of the window came after
 * the race's join cutoff (core/fairPlay.ts joinCutoffMillis) and those beyond
 * the race's cap are refused and never stored.
 *
 * Page 0 also records `windowStart`, the newest tumbling window its shard
 * closed for the race (epoch ms, never moving backwards), and the shard's
 * window watermark (core/shardWatermark.ts): the other shards' closers read
 * it to decide which closer of a window publishes (readMarks.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { LIVE_SK_PREFIX, livePartOfSortKey, racePk, racerIdOfRiderMapKey } from '../../core/keys.js';
import type { LiveRiders } from '../../core/livePart.js';
import type { PartWatermark } from '../../core/livePart.js';
import { buildLivePartItem } from '../../core/livePart.js';
import { newcomers, placeRiders, riderCount } from '../../core/livePartPages.js';
import { ADMISSION } from '../../infra/settings.js';
import { toError } from '../../lib/toError.js';
import { isConditionFailure } from '../runtime/conditionalWrite.js';
import { ConflictError } from '../runtime/errors.js';
import { ridersOfItem, windowStartOf } from './livePartReads.js';
import { admitNewcomers } from './raceAdmissionStore.js';
import { checkAgainstPart } from './checkAgainstPart.js';
import type { FirstRecords } from './toLiveRiders.js';
import { queryAllItems } from '../runtime/queryAllItems.js';

export interface LivePartRef {
  classId: number;
  raceId: number;
  shardId: string;
}

export interface WriteOutcome {
  /** False when the stored part already held everything (a replay): nothing written. */
  written: boolean;
  /** Version of page 0 after the write. */
  version: number;
  /** PutItem calls made (one per changed page; conflicts cause more). */
  putCalls: number;
  /** The window the stored part is at after the write (undefined: never recorded). */
  windowStart: number | undefined;
  /** Riders of this window refused because the race is full. */
  refused: number;
  /** Riders of this window refused because they joined after the race's join cutoff. */
  lateRefused: number;
  /** The race had no slot left when this window admitted its newcomers (undefined: no newcomers). */
  full: boolean | undefined;
  /** The part's pages after the write. */
  pages: readonly LiveRiders[];
  /** Riders whose window progress broke a fair-play rule against the stored part (checkAgainstPart.ts). */
  flagged: number;
}

const MAX_CONFLICTS = 10;

/**
 * What this container last wrote to each part (a part has one writer, its
 * shard's aggregator), so that the next window can skip reading it. If the
 * cache is stale (another invocation wrote the part meanwhile), a conditional
 * put fails and the write falls back to reading the part.
 */
export type LivePartCache = Map<string, CachedPart>;

interface StoredPage {
  riders: LiveRiders;
  /** 0: the page does not exist yet. */
  version: number;
}

interface CachedPart {
  pages: StoredPage[];
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

/** Every page of the shard's part (strongly consistent, all Query pages). */
export async function readPart(ddb: DynamoDBDocumentClient, tableName: string, ref: LivePartRef): Promise<CachedPart> {
  const pages: StoredPage[] = [];
  let windowStart: number | undefined;
  const items = await queryAllItems(ddb, {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :part)',
    ExpressionAttributeValues: {
      ':pk': racePk(ref.classId, ref.raceId),
      ':part': `${LIVE_SK_PREFIX}${ref.shardId}`,
    },
    ConsistentRead: true,
  });
  for (const item of items) {
    const at = livePartOfSortKey(typeof item.SK === 'string' ? item.SK : '');
    if (at.shardId !== ref.shardId || !Number.isInteger(at.page) || at.page < 0) continue;
    while (pages.length <= at.page) pages.push({ riders: {}, version: 0 });
    pages[at.page] = { riders: ridersOfItem(item), version: typeof item.version === 'number' ? item.version : 0 };
    if (at.page === 0) windowStart = windowStartOf(item);
  }
  return { pages, windowStart };
}

/**
 * Merges `incoming` into the stored part: the part as last written by this
 * container (`cache`) or else read (strongly consistent); riders already on a
 * page are merged there (newest second wins), newcomers are admitted up to
 * the race's `cap` and placed on the last page with room; every changed page
 * (default: infra/settings.ts ADMISSION) is put conditioned on the version it was merged with. A lost race re-reads
 * and merges again.
 *
 * `joins` tells which newcomers joined in time (their first record of the
 * window arrived before the race's join cutoff); the others are refused
 * before the cap is counted. Without it every newcomer may join.
 *
 * `windowStart` (the window being closed) is recorded on page 0, with the
 * shard's `watermark` when given (core/shardWatermark.ts). A window
 * whose records changed no rider (all stale) still writes page 0 once when
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
  cap: number = ADMISSION.maxRidersPerRace,
  firsts?: FirstRecords,
  watermark?: PartWatermark,
  joins?: (racerId: string) => boolean,
): Promise<WriteOutcome> {
  const cacheKey = `${racePk(ref.classId, ref.raceId)}|${ref.shardId}`;
  let known = cache?.get(cacheKey);
  let putCalls = 0;
  for (let conflict = 0; conflict < MAX_CONFLICTS; conflict += 1) {
    const stored = known ?? (await readPart(ddb, tableName, ref));
    known = undefined;
    const storedRiders = stored.pages.map((p) => p.riders);
    // Pages hold disjoint riders: together they are the shard's part.
    const checked =
      firsts === undefined
        ? { riders: incoming, refused: 0 }
        : checkAgainstPart(Object.assign({}, ...storedRiders) as LiveRiders, incoming, firsts);
    const arriving = newcomers(storedRiders, checked.riders);
    const fresh = joins === undefined ? arriving : arriving.filter((key) => joins(racerIdOfRiderMapKey(key)));
    const admission = await admitNewcomers(
      ddb,
      tableName,
      ref,
      cap,
      riderCount(storedRiders),
      fresh,
      Date.parse(updatedAt),
    );
    const placed = placeRiders(storedRiders, checked.riders, admission.admitted);
    const window = laterWindow(stored.windowStart, windowStart);
    const puts: number[] = [];
    for (let p = 0; p < placed.pages.length; p += 1) {
      const exists = (stored.pages[p]?.version ?? 0) > 0;
      const moved = p === 0 && window !== stored.windowStart;
      if (placed.changed[p] === true || !exists || moved) puts.push(p);
    }
    const outcome = {
      refused: admission.refused,
      lateRefused: arriving.length - fresh.length,
      flagged: checked.refused,
      full: admission.full,
      pages: placed.pages,
    };
    // Nothing new (a replay): the stored part already holds at least this much, this window included.
    if (puts.length === 0 || placed.pages.length === 0) {
      return {
        ...outcome,
        written: false,
        version: stored.pages[0]?.version ?? 0,
        putCalls,
        windowStart: stored.windowStart,
      };
    }
    putCalls += puts.length;
    const results = await Promise.allSettled(
      puts.map((p) => {
        const version = stored.pages[p]?.version ?? 0;
        return ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: buildLivePartItem({
              ...ref,
              riders: placed.pages[p] as LiveRiders,
              version: version + 1,
              updatedAt,
              page: p,
              ...(p === 0 && window !== undefined ? { windowStart: window } : {}),
              ...(watermark === undefined ? {} : { watermark }),
            }),
            ConditionExpression: 'attribute_not_exists(PK) OR version = :expected',
            ExpressionAttributeValues: { ':expected': version },
          }),
        );
      }),
    );
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected.length === 0) {
      const pages = placed.pages.map((riders, p) => ({
        riders,
        version: (stored.pages[p]?.version ?? 0) + (puts.includes(p) ? 1 : 0),
      }));
      remember(cache, cacheKey, { pages, windowStart: window });
      return { ...outcome, written: true, version: pages[0]?.version ?? 0, putCalls, windowStart: window };
    }
    cache?.delete(cacheKey);
    const other = rejected.find((r) => !isConditionFailure(r.reason));
    if (other !== undefined) throw toError(other.reason);
  }
  throw new ConflictError(
    `live part ${racePk(ref.classId, ref.raceId)} ${ref.shardId} kept changing under ${MAX_CONFLICTS} attempts`,
  );
}
