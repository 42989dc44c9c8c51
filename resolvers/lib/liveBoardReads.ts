/**
 * The live queries' reads of the published board (core/liveBoardItems.ts):
 * the head of the running race (or, when it has none yet, of the race just
 * ended), then the bands each query needs. What the pipeline functions
 * (getLiveBoardHead, getLiveBoardIndex, getLiveBoardBands) leave in the stash.
 */
import { util } from '@aws-appsync/utils';
import type { DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { bandEntry, type LiveBandEntry } from '../../core/liveBands.js';
import type { LiveBoardHead, StoredBand } from '../../core/liveBoardItems.js';
import { bandKeysOf, storedBandOf } from '../../core/liveBoardItems.js';
import type { LiveEntry } from '../../core/livePart.js';
import { tableNameOf } from './raceAdmission.js';

/** Which bands a live query reads once the head is known: the top of the field, the asked ones, those around a rider. */
export type BandsWanted = 'top' | 'asked' | 'around';

/** Starts a live pipeline on the running race of `classId` (the race clock). */
export function startLiveBoardRead(
  stash: Record<string, unknown>,
  classId: number,
  raceId: number,
  wanted: BandsWanted,
  asked: number[] = [],
): void {
  stash.classId = classId;
  stash.currentRaceId = raceId;
  stash.wanted = wanted;
  stash.asked = asked;
  stash.board = null;
  stash.bandsToRead = [];
  stash.storedBands = [];
}

/** The board head the pipeline found (null: neither race has a published board). */
export function boardOf(stash: Record<string, unknown>): LiveBoardHead | null {
  return (stash.board ?? null) as LiveBoardHead | null;
}

/** A BatchGetItem of keys on the API's table (strongly consistent: a head names items written just before it). */
export function batchGet(
  env: Record<string, string> | undefined,
  keys: Array<{ PK: string; SK: string }>,
): DynamoDBBatchGetItemRequest {
  const typed: Array<Record<string, unknown>> = [];
  for (const k of keys) typed.push(util.dynamodb.toMapValues(k));
  return { operation: 'BatchGetItem', tables: { [tableNameOf(env)]: { keys: typed, consistentRead: true } } };
}

/**
 * The items a BatchGetItem returned (nulls for keys not found are dropped).
 * Keys DynamoDB left unprocessed (throttling) fail the query rather than
 * answer it incomplete.
 */
export function batchItems(env: Record<string, string> | undefined, result: unknown): unknown[] {
  const r =
    result && typeof result === 'object'
      ? (result as { data?: Record<string, unknown[]>; unprocessedKeys?: Record<string, unknown[]> })
      : {};
  const left = r.unprocessedKeys ? r.unprocessedKeys[tableNameOf(env)] ?? [] : [];
  if (left.length > 0) util.error('the live board could not be read whole; try again', 'ThrottlingError');
  const data = r.data;
  const items = data ? data[tableNameOf(env)] ?? [] : [];
  const out: unknown[] = [];
  for (const item of items) if (item !== null && item !== undefined) out.push(item);
  return out;
}

/** The keys of the bands the pipeline is to read. */
export function bandKeysToRead(stash: Record<string, unknown>): Array<{ PK: string; SK: string }> {
  const board = boardOf(stash);
  return board === null ? [] : bandKeysOf(board, stash.bandsToRead as number[]);
}

/** Keeps the bands read, in band order. */
export function keepBands(stash: Record<string, unknown>, items: readonly unknown[]): void {
  const bands: StoredBand[] = [];
  for (const item of items) {
    const band = storedBandOf(item);
    if (band !== null) {
      // Insertion in band order (a handful of bands; APPSYNC_JS takes no sort comparator).
      let at = bands.length;
      let i = 0;
      for (const b of bands) {
        if (at === bands.length && b.band > band.band) at = i;
        i = i + 1;
      }
      bands.splice(at, 0, band);
    }
  }
  stash.storedBands = bands;
}

/** The bands read, in band order. */
export function bandsRead(stash: Record<string, unknown>): StoredBand[] {
  return (stash.storedBands ?? []) as StoredBand[];
}

/** The entries of a band read, as band events carry them (empty when the band was not read). */
export function bandEntriesOf(stash: Record<string, unknown>, band: number): LiveBandEntry[] {
  const out: LiveBandEntry[] = [];
  for (const b of bandsRead(stash)) {
    if (b.band === band) for (const e of b.entries) out.push(bandEntry(e));
  }
  return out;
}

/** The entries of every band read, in ranking order. */
export function entriesRead(stash: Record<string, unknown>): LiveEntry[] {
  let out: LiveEntry[] = [];
  for (const b of bandsRead(stash)) out = out.concat(b.entries);
  return out;
}
