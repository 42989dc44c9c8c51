/**
 * Where a class's all-time rankings are kept (core/keys.ts allTimeIndexKeys):
 * by personal best in GSI1, by total output in GSI2, each over the class's
 * all-time write shards.
 */
import {
  ALLTIME_SHARDS,
  SHARD_NUMBERS,
  allTimeBestPk,
  allTimeTotalPk,
  GSI1,
  GSI1PK,
  GSI1SK,
  GSI2,
  GSI2PK,
  GSI2SK,
} from '../../core/keys.js';
import type { ShardedIndex } from './shardedRanking.js';

/** The index and shard partitions of the class's ranking by total output (`byTotal`) or by personal best. */
export function allTimeIndex(classId: number, byTotal: boolean): ShardedIndex {
  const pks: string[] = [];
  for (const shard of SHARD_NUMBERS.slice(0, ALLTIME_SHARDS)) {
    pks.push(byTotal ? allTimeTotalPk(classId, shard) : allTimeBestPk(classId, shard));
  }
  return {
    index: byTotal ? GSI2 : GSI1,
    pkName: byTotal ? GSI2PK : GSI1PK,
    skName: byTotal ? GSI2SK : GSI1SK,
    pks,
  };
}
