/** DynamoDB adapter of the finalizer: open-race markers, results, summaries. */
import { transientExpiresAt } from '../../core/expiresAt.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  FINAL_SK_PREFIX,
  ITEM_OPEN_RACE,
  ITEM_RACE,
  OPEN_SK_PREFIX,
  RESULT_SHARDS,
  RESULT_SK_PREFIX,
  SHARD_NUMBERS,
  classPk,
  openRaceKey,
  raceKey,
  raceShardPk,
} from '../../core/keys.js';
import type { OpenRace } from '../../core/openRace.js';
import { openRaceOf } from '../../core/openRace.js';
import type { RaceSummary } from '../../core/raceSummary.js';
import type { ResultItem } from '../../core/resultItem.js';
import { chunk } from '../../lib/concurrency.js';
import { forEachLimited } from '../../lib/concurrency.js';
import { isTransactionCanceled, writtenUnlessConditionFails } from '../runtime/conditionalWrite.js';
import { queryAllItems } from '../runtime/queryAllItems.js';
import { toError } from '../../lib/toError.js';
import type { PendingFinal } from './pendingFinal.js';
import { buildPendingFinalItem, pendingFinalOfItem, sameFinal } from './pendingFinal.js';
import { pendingFinalKey } from '../../core/keys.js';

/**
 * Writes the OpenRace marker, or refreshes it: `lastRecordAt` is when a
 * finalizer last processed a record of the race (its clock), so that the
 * scheduled close can leave alone a race whose records are still being read
 * (a consumer running behind its stream). An upsert: writing it again only
 * moves `lastRecordAt`; a claim in progress (`closingUntil`) is kept.
 */
export async function touchOpenRace(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  race: OpenRace,
  nowMillis: number,
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: openRaceKey(race.classId, race.raceId),
      UpdateExpression: 'SET itemType = :t, classId = :c, raceId = :r, lastRecordAt = :now, expiresAt = :exp',
      ExpressionAttributeValues: {
        ':t': ITEM_OPEN_RACE,
        ':c': race.classId,
        ':r': race.raceId,
        ':now': nowMillis,
        ':exp': transientExpiresAt(nowMillis),
      },
    }),
  );
}

/**
 * Claims the closing of a race on its OpenRace marker for `leaseMs`, so that
 * of several finalizer shards finding the same race due, one closes it and the
 * others skip it instead of repeating every read and conditional write. Fails
 * (returns false) when the marker is gone (the race was closed meanwhile) or
 * another closer holds an unexpired claim. The claim expires, so a closer that
 * dies half-way holds nobody up for longer than the lease; closing stays
 * idempotent for that case.
 */
export async function claimRaceClose(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  race: OpenRace,
  nowMillis: number,
  leaseMs: number,
): Promise<boolean> {
  return writtenUnlessConditionFails(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: openRaceKey(race.classId, race.raceId),
        UpdateExpression: 'SET closingUntil = :until',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(closingUntil) OR closingUntil <= :now)',
        ExpressionAttributeValues: { ':until': nowMillis + leaseMs, ':now': nowMillis },
      }),
    ),
  );
}

/** Open races of one class, oldest first. */
export async function listOpenRaces(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
): Promise<OpenRace[]> {
  const out: OpenRace[] = [];
  const items = await queryAllItems(ddb, {
    TableName: tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :open)',
    ExpressionAttributeValues: { ':pk': classPk(classId), ':open': OPEN_SK_PREFIX },
  });
  for (const item of items) {
    const race = openRaceOf(item);
    if (race !== null) out.push(race);
  }
  return out;
}

/**
 * Every item of a race under a sort-key prefix in all its write shards
 * (core/keys.ts raceShardPk), strongly consistent, shards read in parallel.
 */
async function queryRaceShards(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  race: OpenRace,
  prefix: string,
): Promise<Array<Record<string, unknown>>> {
  const shards = await Promise.all(
    SHARD_NUMBERS.slice(0, RESULT_SHARDS).map((shard) =>
      queryAllItems(ddb, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': raceShardPk(race.classId, race.raceId, shard), ':prefix': prefix },
        ConsistentRead: true,
      }),
    ),
  );
  return shards.flat();
}

/** Every result of a race, strongly consistent (the base table, not the eventually consistent GSI1). */
export async function queryResults(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  race: OpenRace,
): Promise<ResultItem[]> {
  return (await queryRaceShards(ddb, tableName, race, RESULT_SK_PREFIX)) as unknown as ResultItem[];
}

/** Items one TransactWriteItems call takes (the DynamoDB limit). */
export const TRANSACT_WRITE_LIMIT = 100;

/** What became of a final offered as the rider's pending final. */
export type StoreFinalOutcome = 'stored' | 'replay' | 'conflict';

/**
 * Keeps `final` as the rider's pending final if the rider has none (first
 * valid final wins: a conditional put). If one is there, the same final is
 * a replay and changes nothing; a different one is refused and marks the
 * stored final `conflicting` (the rider is flagged CONFLICTING_FINAL at the
 * close). `conflicting` stores the final already marked (a different final
 * followed it in the same batch).
 */
export async function storeFinal(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  final: PendingFinal,
  conflicting: boolean,
  nowMillis: number,
): Promise<StoreFinalOutcome> {
  const item = buildPendingFinalItem(conflicting ? { ...final, conflicting: true } : final, nowMillis);
  const put = ddb.send(
    new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }),
  );
  if (await writtenUnlessConditionFails(put)) return 'stored';
  const key = pendingFinalKey(final.classId, final.raceId, final.racerId);
  const stored = pendingFinalOfItem(
    (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item,
  );
  const same = stored !== null && sameFinal(stored, final);
  if (same && !conflicting) return 'replay';
  await ddb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET conflicting = :t',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':t': true },
    }),
  );
  return same ? 'replay' : 'conflict';
}

/** A final offered by the batch, with whether a different one followed it in the batch (see storeFinal). */
export interface OfferedFinal {
  final: PendingFinal;
  conflicting: boolean;
}

/**
 * storeFinal for many finals (one per rider and race), with the same
 * outcome for each: at a race's end every rider's final arrives within
 * seconds, and one conditional put each would hold the shard for as many
 * calls. The finals go as the same conditional puts in TransactWriteItems of
 * up to 100 (BatchWriteItem takes no conditions, and first wins must hold);
 * when a transaction is cancelled (a rider already has a final: a replay or
 * a different one, or a conflicting write) its finals are stored one by one
 * with storeFinal, which tells a replay from a conflict. `report` gets every
 * final's outcome, or the error that kept it from being stored.
 */
export async function storeFinals<T extends OfferedFinal>(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  offered: readonly T[],
  nowMillis: number,
  report: (offer: T, outcome: StoreFinalOutcome | Error) => void,
  parallel = 4,
): Promise<void> {
  await forEachLimited(chunk(offered, TRANSACT_WRITE_LIMIT), parallel, async (part) => {
    // A transaction of one saves nothing over storeFinal's own conditional put.
    if (part.length > 1) {
      try {
        await ddb.send(
          new TransactWriteCommand({
            TransactItems: part.map((o) => ({
              Put: {
                TableName: tableName,
                Item: buildPendingFinalItem(o.conflicting ? { ...o.final, conflicting: true } : o.final, nowMillis),
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            })),
          }),
        );
        for (const o of part) report(o, 'stored');
        return;
      } catch (error) {
        if (!isTransactionCanceled(error)) {
          for (const o of part) report(o, toError(error));
          return;
        }
      }
    }
    await forEachLimited(part, 16, async (o) => {
      try {
        report(o, await storeFinal(ddb, tableName, o.final, o.conflicting, nowMillis));
      } catch (error) {
        report(o, toError(error));
      }
    });
  });
}

/** Every pending final of a race, strongly consistent. */
export async function queryPendingFinals(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  race: OpenRace,
): Promise<PendingFinal[]> {
  const out: PendingFinal[] = [];
  for (const i of await queryRaceShards(ddb, tableName, race, FINAL_SK_PREFIX)) {
    const p = pendingFinalOfItem(i);
    if (p !== null) out.push(p);
  }
  return out;
}

/** Whether the race was closed before: its summary exists (closedAt set), so its results are final. */
export async function isRaceClosed(ddb: DynamoDBDocumentClient, tableName: string, race: OpenRace): Promise<boolean> {
  const item = (
    await ddb.send(
      new GetCommand({ TableName: tableName, Key: raceKey(race.classId, race.raceId), ConsistentRead: true }),
    )
  ).Item;
  return typeof item?.closedAt === 'string';
}

/**
 * Writes a result only if the rider has none: results are written once, when
 * the race closes, and never replaced. Returns false if a result was already there.
 */
export async function putResult(ddb: DynamoDBDocumentClient, tableName: string, item: ResultItem): Promise<boolean> {
  return writtenUnlessConditionFails(
    ddb.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' })),
  );
}

export interface ResultsOutcome {
  /** Results written. */
  written: number;
  /** Riders who had a result by the time of the write (another closer of the race wrote it first). */
  alreadyHadResult: number;
  /** Results not tried: the deadline came first. */
  left: number;
}

/**
 * Writes a race's results, each only if the rider has none (as
 * putResult). BatchWriteItem takes no conditions, so they go as
 * conditional puts in TransactWriteItems of up to 100: one request instead of
 * 100 (docs/scaling.md has what it saves at a race's close). A transaction is
 * all or nothing: when one of its conditions fails (a final landed meanwhile)
 * or it conflicts with another write, DynamoDB cancels it whole
 * (TransactionCanceledException) and its items are written one by one instead,
 * each with its own condition. `parallel` transactions run at once; none
 * starts once `now()` has reached `deadline` (those left are counted).
 */
export async function putResultsAll(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  items: readonly ResultItem[],
  parallel = 4,
  deadline = Number.POSITIVE_INFINITY,
  now: () => number = Date.now,
): Promise<ResultsOutcome> {
  const outcome: ResultsOutcome = { written: 0, alreadyHadResult: 0, left: 0 };
  await forEachLimited(chunk(items, TRANSACT_WRITE_LIMIT), parallel, async (part) => {
    if (now() >= deadline) {
      outcome.left += part.length;
      return;
    }
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: part.map((Item) => ({
            Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(PK)' },
          })),
        }),
      );
      outcome.written += part.length;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw error;
      await putEachResult(ddb, tableName, part, outcome);
    }
  });
  return outcome;
}

/** The conditional puts of a cancelled transaction, 16 at a time. */
async function putEachResult(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  items: readonly ResultItem[],
  outcome: ResultsOutcome,
): Promise<void> {
  await forEachLimited(items, 16, async (item) => {
    if (await putResult(ddb, tableName, item)) outcome.written += 1;
    else outcome.alreadyHadResult += 1;
  });
}

/**
 * Writes the race summary. Two closers computing it concurrently write the
 * same values; `closedAt` keeps the first close time.
 */
export async function putRaceSummary(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  race: OpenRace,
  s: RaceSummary,
  closedAt: string,
): Promise<void> {
  const names: Record<string, string> = { '#t': 'itemType' };
  const values: Record<string, unknown> = {
    ':t': ITEM_RACE,
    ':c': race.classId,
    ':r': race.raceId,
    ':n': s.competitors,
    ':f': s.finishers,
    ':w': s.winnerRacerId,
    ':b': s.bestOutput,
    ':at': closedAt,
  };
  let set =
    '#t = :t, classId = :c, raceId = :r, competitors = :n, finishers = :f, winnerRacerId = :w, bestOutput = :b, closedAt = if_not_exists(closedAt, :at)';
  if (s.winnerName !== undefined) {
    set += ', winnerName = :wn';
    values[':wn'] = s.winnerName;
  }
  await ddb.send(
    new UpdateCommand({
      TableName: tableName,
      Key: raceKey(race.classId, race.raceId),
      // A re-close whose winner has no name must not keep the previous winner's.
      UpdateExpression: s.winnerName === undefined ? `SET ${set} REMOVE winnerName` : `SET ${set}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Removes the OpenRace marker of a race just closed, unless a finalizer read a
 * record of the race since the closer listed it (`lastRecordAt` moved): that
 * record may be a final written after the closer's last read of the results,
 * so the marker stays and only the claim is released; the race is closed
 * again with it. Returns false then. Deleting a missing item is not an error.
 */
export async function deleteOpenRace(ddb: DynamoDBDocumentClient, tableName: string, race: OpenRace): Promise<boolean> {
  const seen = race.lastRecordAt;
  const deleted = await writtenUnlessConditionFails(
    ddb.send(
      new DeleteCommand({
        TableName: tableName,
        Key: openRaceKey(race.classId, race.raceId),
        ConditionExpression:
          seen === undefined
            ? 'attribute_not_exists(lastRecordAt)'
            : 'attribute_not_exists(lastRecordAt) OR lastRecordAt = :seen',
        ...(seen === undefined ? {} : { ExpressionAttributeValues: { ':seen': seen } }),
      }),
    ),
  );
  if (deleted) return true;
  await releaseRaceClose(ddb, tableName, race);
  return false;
}

/** Gives up the claim to close a race (claimRaceClose), so that the next closer may take it at once. */
export async function releaseRaceClose(ddb: DynamoDBDocumentClient, tableName: string, race: OpenRace): Promise<void> {
  // A marker already gone needs no release.
  await writtenUnlessConditionFails(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: openRaceKey(race.classId, race.raceId),
        UpdateExpression: 'REMOVE closingUntil',
        ConditionExpression: 'attribute_exists(PK)',
      }),
    ),
  );
}
