/**
 * The live parts of one large class's race as the aggregator stores them: the
 * riders spread over `shards` Kinesis shards (a rider's shard from its id, as
 * a partition key would), each shard's part one LivePart item of at most
 * LIVE_PAGE_MAX_RIDERS riders. Outputs repeat every few riders, so the board
 * has ties (also across band edges). Used by the 50,000-rider benchmark
 * (bench/bigClassDelivery.ts) and the resolvers' test at that size.
 */
import { buildLivePartItem, type LiveRiders, type LivePartItem } from '../core/livePart.js';
import { riderMapKey, writeShard } from '../core/keys.js';
import { LIVE_PAGE_MAX_RIDERS } from '../core/livePartPages.js';

/** Rider i's id and name (12 and 11 characters, as the simulator's are about). */
export const bigClassRacerId = (i: number): string => `rider-${String(i).padStart(6, '0')}`;
const nameOf = (i: number): string => `Rider ${String(i).padStart(5, '0')}`;

/** Rider i's output (kJ) at `second`: spread over the field, equal for groups of riders. */
export function bigClassOutput(i: number, second: number): number {
  return Math.round((((i * 7919) % 9973) / 3) * second) / 1000 / 10;
}

export function bigClassParts(p: {
  classId: number;
  raceId: number;
  riders: number;
  shards: number;
  second: number;
  updatedAt: string;
  version?: number;
}): LivePartItem[] {
  const byShard: LiveRiders[] = Array.from({ length: p.shards }, () => ({}));
  for (let i = 0; i < p.riders; i += 1) {
    const part = byShard[writeShard(bigClassRacerId(i), p.shards)] as Record<string, LiveRiders[string]>;
    part[riderMapKey(bigClassRacerId(i))] = { output: bigClassOutput(i, p.second), second: p.second, name: nameOf(i) };
  }
  return byShard.map((riders, s) => {
    const count = Object.keys(riders).length;
    if (count > LIVE_PAGE_MAX_RIDERS) throw new Error(`shard ${s} has ${count} riders: more shards needed`);
    return buildLivePartItem({
      classId: p.classId,
      raceId: p.raceId,
      shardId: `shardId-${String(s).padStart(12, '0')}`,
      riders,
      version: p.version ?? 1,
      updatedAt: p.updatedAt,
    });
  });
}
