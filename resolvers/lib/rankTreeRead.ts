/**
 * Reading a class's rank trees (core/rankTree.ts) for a counted start
 * (resolvers/lib/shardedRanking.ts): the nodes on the path of the start's
 * band in every write shard, and the class's RankTree item that says whether
 * the trees count every rider. When they do, the riders in higher bands are
 * the trees' count, and each shard is read only from the start's band on
 * (its riders in the same kJ that score higher are counted there), so the
 * rank is exact however far down the start is.
 */
import { util, type DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { rankKeyFloor, rankTreeKey, rankTreeNodeKey, unitsOfRankKey } from '../../core/keys.js';
import {
  RANK_TREE_LEVEL_NUMBERS,
  SCORE_UNITS_PER_BAND,
  bandOfUnits,
  ridersInHigherBands,
  treePath,
} from '../../core/rankTree.js';
import { tableNameOf } from './raceAdmission.js';
import type { ShardedStash } from './shardedRanking.js';

/** The BatchGetItem of the trees along the counted start's band; null when the read counts nothing. */
export function rankTreeRequest(
  env: Record<string, string> | undefined,
  stash: ShardedStash,
  classId: number,
): DynamoDBBatchGetItemRequest | null {
  const start = stash.read.counted;
  if (start === null || stash.ahead === null || stash.read.pks.length === 0) return null;
  const path = treePath(bandOfUnits(unitsOfRankKey(start)));
  const keys: Array<Record<string, unknown>> = [util.dynamodb.toMapValues(rankTreeKey(classId))];
  for (const pk of stash.read.pks) {
    for (const step of path) keys.push(util.dynamodb.toMapValues(rankTreeNodeKey(pk, step.level, step.prefix)));
  }
  // Read consistently: the consumer moves counts and index keys in one transaction.
  return { operation: 'BatchGetItem', tables: { [tableNameOf(env)]: { keys, consistentRead: true } } };
}

/**
 * With the trees read: when they count every rider, the riders in higher bands
 * are counted before the start and the shards are read from the start's band.
 */
export function countFromTrees(
  env: Record<string, string> | undefined,
  stash: ShardedStash,
  classId: number,
  result: unknown,
): void {
  const start = stash.read.counted;
  if (start === null || stash.ahead === null) return;
  const r =
    result && typeof result === 'object'
      ? (result as { data?: Record<string, unknown[]>; unprocessedKeys?: Record<string, unknown[]> })
      : {};
  const table = tableNameOf(env);
  const left = r.unprocessedKeys ? r.unprocessedKeys[table] ?? [] : [];
  if (left.length > 0) util.error('the rank could not be counted; try again', 'ThrottlingError');
  const byKey: Record<string, Record<string, unknown>> = {};
  for (const found of r.data ? r.data[table] ?? [] : []) {
    if (found !== null && found !== undefined && typeof found === 'object') {
      const item = found as Record<string, unknown>;
      byKey[`${item.PK as string}|${item.SK as string}`] = item;
    }
  }
  const meta = rankTreeKey(classId);
  const tree = byKey[`${meta.PK}|${meta.SK}`];
  if (tree === undefined || tree.complete !== true) return;
  const band = bandOfUnits(unitsOfRankKey(start));
  const path = treePath(band);
  let higher = 0;
  for (const pk of stash.read.pks) {
    const nodes: Array<Record<string, unknown> | undefined> = [];
    for (const level of RANK_TREE_LEVEL_NUMBERS) {
      const step = path[level] as { prefix: number };
      const key = rankTreeNodeKey(pk, level, step.prefix);
      nodes.push(byKey[`${key.PK}|${key.SK}`]);
    }
    higher = higher + ridersInHigherBands(band, nodes);
  }
  stash.ahead = { ...stash.ahead, before: higher, higher };
  // The band's best score sorts first: every rider before it scores in a higher band.
  stash.read = { ...stash.read, from: rankKeyFloor(band * SCORE_UNITS_PER_BAND + SCORE_UNITS_PER_BAND - 1) };
}
