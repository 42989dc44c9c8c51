/**
 * DynamoDB adapter of the all-time ranking heads (core/rankingHead.ts,
 * functions/allTime/rankingHeads.ts): after applying a batch, the consumer
 * merges the riders it updated into their class's two heads, one conditional
 * write per head that changed (on the head's `version`: concurrent consumers
 * re-read and merge again). A class without a head yet, or one whose head a
 * falling score invalidated, gets it built from the index: the top of each
 * write shard, read in parallel and merged.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ALLTIME_SHARDS,
  GSI1,
  GSI1PK,
  GSI2,
  GSI2PK,
  ITEM_RANKING_HEAD,
  SHARD_NUMBERS,
  allTimeBestPk,
  allTimeTotalPk,
  rankingHeadKey,
} from '../../core/keys.js';
import { RANKING_HEAD_SIZE, decodeHeadEntries, encodeHeadEntries } from '../../core/rankingHead.js';
import { isConditionFailure } from '../runtime/conditionalWrite.js';
import { ConflictError } from '../runtime/errors.js';
import { allTimeHeadEntry, mergeHead, needsRebuild, type HeadOrder } from './rankingHeads.js';

const MAX_HEAD_CONFLICTS = 10;

interface Ranking extends HeadOrder {
  readonly index: string;
  readonly pkName: string;
  /** Partition of shard n of the class's ranking (shard 0: the ranking's scope, the head's PK). */
  pk(classId: number, shard?: number): string;
}

const RANKINGS: readonly Ranking[] = [
  { skName: 'GSI1SK', index: GSI1, pkName: GSI1PK, pk: allTimeBestPk },
  { skName: 'GSI2SK', index: GSI2, pkName: GSI2PK, pk: allTimeTotalPk },
];

/** Merges the riders' items (as they stood after this invocation's updates) into their classes' heads. */
export async function refreshAllTimeHeads(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  items: ReadonlyArray<Record<string, unknown>>,
): Promise<number> {
  const byClass = new Map<number, Array<Record<string, unknown>>>();
  for (const item of items) {
    const list = byClass.get(item.classId as number) ?? [];
    list.push(allTimeHeadEntry(item));
    byClass.set(item.classId as number, list);
  }
  let written = 0;
  for (const [classId, updates] of byClass) {
    for (const ranking of RANKINGS) {
      if (await mergeIntoHead(ddb, tableName, classId, ranking, updates)) written += 1;
    }
  }
  return written;
}

async function mergeIntoHead(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  ranking: Ranking,
  updates: ReadonlyArray<Record<string, unknown>>,
): Promise<boolean> {
  const key = rankingHeadKey(ranking.pk(classId));
  for (let attempt = 0; attempt < MAX_HEAD_CONFLICTS; attempt += 1) {
    const got = await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const stored = got.Item;
    const version = typeof stored?.version === 'number' ? stored.version : 0;
    const entries = storedEntries(stored?.entries);
    let head = { entries: entries ?? [], more: stored?.more === true };
    let rebuilt = false;
    if (stored === undefined || entries === null || needsRebuild(head.entries, updates, ranking)) {
      head = await headFromIndex(ddb, tableName, classId, ranking);
      rebuilt = true;
    }
    const merged = mergeHead(head, updates, ranking, RANKING_HEAD_SIZE);
    if (!merged.changed && !rebuilt) return false;
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: 'SET itemType = :t, entries = :e, more = :m, version = :v, updatedAt = :u',
          ConditionExpression: stored === undefined ? 'attribute_not_exists(PK)' : 'version = :old',
          ExpressionAttributeValues: {
            ':t': ITEM_RANKING_HEAD,
            ':e': encodeHeadEntries(merged.entries),
            ':m': merged.more,
            ':v': version + 1,
            ':u': new Date().toISOString(),
            ...(stored === undefined ? {} : { ':old': version }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      // Another consumer wrote the head in between: read it and merge again.
    }
  }
  throw new ConflictError(`the ${ranking.skName} head of class ${classId} kept changing`);
}

/** A stored head's entries; null when they are not JSON (the head is then built again). */
function storedEntries(text: unknown): Array<Record<string, unknown>> | null {
  try {
    return decodeHeadEntries(text);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** The head as the index holds it: the top of every write shard, merged. */
async function headFromIndex(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  classId: number,
  ranking: Ranking,
): Promise<{ entries: Array<Record<string, unknown>>; more: boolean }> {
  const shards = await Promise.all(
    SHARD_NUMBERS.slice(0, ALLTIME_SHARDS).map((shard) =>
      ddb.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: ranking.index,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': ranking.pkName },
          ExpressionAttributeValues: { ':pk': ranking.pk(classId, shard) },
          Limit: RANKING_HEAD_SIZE,
        }),
      ),
    ),
  );
  const items = shards.flatMap((s) => (s.Items ?? []).map((i) => allTimeHeadEntry(i)));
  const more = shards.some((s) => s.LastEvaluatedKey !== undefined);
  return mergeHead({ entries: [], more }, items, ranking, RANKING_HEAD_SIZE);
}
