/**
 * The finals that may become results: those of riders their race admitted
 * (core/raceAdmission.ts). When a final is stored (`markedOnly` false) and
 * the race has room, every final passes: its rider may still be admitted
 * when the aggregator closes the window that carried the rider's first
 * records. Once the race is full, and always at a race's close (`markedOnly`
 * true: every rider who joined in time was admitted long before, since the
 * join cutoff is a tenth of the race), only riders with an admission marker
 * pass, so a rider refused for a full race or for joining late (a rider who
 * sent only a final joined at the last second) never becomes a result.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { admittedRiderKey, raceAdmissionKey } from '../../core/keys.js';
import { admittedLinkNumbers, capOf, isRaceFull } from '../../core/raceAdmission.js';
import { chunk, forEachLimited } from '../../lib/concurrency.js';
import { toError } from '../../lib/toError.js';
import type { Sleep } from '../runtime/clock.js';
import { realSleep } from '../runtime/clock.js';
import { backoffMs } from '../runtime/retry.js';

/** Keys one BatchGetItem call takes (the DynamoDB limit). */
const BATCH_GET_LIMIT = 100;
const BATCH_GET_ATTEMPTS = 6;

/** Whose final it is. */
export interface FinalRider {
  classId: number;
  raceId: number;
  racerId: string;
}

export interface AdmittedFinals<T> {
  admitted: T[];
  /** Finals of riders a full race did not admit: dropped. */
  refused: T[];
  /** Finals whose admission could not be read: reported as failures, so Lambda retries them. */
  unknown: Array<{ final: T; error: Error }>;
}

/** The racerIds of `racerIds` the race admitted (its bucket items, strongly consistent reads). */
async function markedRiders(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  raceId: number,
  racerIds: readonly string[],
  cap: number,
  sleep: Sleep,
): Promise<Set<string>> {
  const found = new Set<string>();
  const wanted = new Set(racerIds);
  // The links of each bucket (core/keys.ts admittedRiderKey), however many of the batch's riders it holds.
  const buckets = [...new Map(racerIds.map((id) => [admittedRiderKey(classId, raceId, id).SK, id])).values()];
  const links = admittedLinkNumbers(cap);
  const allKeys = buckets.flatMap((id) => links.map((link) => admittedRiderKey(classId, raceId, id, link)));
  await forEachLimited(chunk(allKeys, BATCH_GET_LIMIT), 4, async (part) => {
    let keys: Array<Record<string, unknown>> = part;
    for (let attempt = 0; keys.length > 0; attempt += 1) {
      if (attempt >= BATCH_GET_ATTEMPTS)
        throw new Error('admission markers were still unprocessed after the last attempt');
      if (attempt > 0) await sleep(backoffMs(attempt - 1, 50, 2000, Math.random));
      const res = await ddb.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'racerIds' } },
        }),
      );
      for (const item of res.Responses?.[tableName] ?? []) {
        const admitted: unknown = item.racerIds;
        if (!(admitted instanceof Set)) continue;
        for (const id of admitted) if (typeof id === 'string' && wanted.has(id)) found.add(id);
      }
      keys = res.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  });
  return found;
}

/** Splits the batch's finals by their riders' admission, one counter read per race. */
export async function admittedFinals<T>(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  finals: readonly T[],
  riderOf: (final: T) => FinalRider,
  sleep: Sleep = realSleep,
  markedOnly = false,
): Promise<AdmittedFinals<T>> {
  const out: AdmittedFinals<T> = { admitted: [], refused: [], unknown: [] };
  const byRace = new Map<string, T[]>();
  for (const f of finals) {
    const k = `${riderOf(f).classId}:${riderOf(f).raceId}`;
    const list = byRace.get(k) ?? [];
    list.push(f);
    byRace.set(k, list);
  }
  await Promise.all(
    [...byRace.values()].map(async (list) => {
      const { classId, raceId } = riderOf(list[0] as T);
      try {
        const counter = await ddb.send(
          new GetCommand({ TableName: tableName, Key: raceAdmissionKey(classId, raceId), ConsistentRead: true }),
        );
        if (!markedOnly && !isRaceFull(counter.Item)) {
          out.admitted.push(...list);
          return;
        }
        // No counter: the race admitted nobody.
        if (counter.Item === undefined) {
          out.refused.push(...list);
          return;
        }
        const marked = await markedRiders(
          ddb,
          tableName,
          classId,
          raceId,
          list.map((f) => riderOf(f).racerId),
          capOf(counter.Item),
          sleep,
        );
        for (const f of list) (marked.has(riderOf(f).racerId) ? out.admitted : out.refused).push(f);
      } catch (error) {
        for (const final of list) out.unknown.push({ final, error: toError(error) });
      }
    }),
  );
  return out;
}
