/**
 * The checkpoints the stack persisted (`<stateDir>/data/checkpoints.json`),
 * as a killed stack leaves them: where each mapping's shards resume.
 */
import path from 'node:path';
import type { ShardCheckpoint } from '../../../local/esm/types.js';
import { readJson } from './processes.js';

export type PersistedCheckpoints = Record<string, Record<string, ShardCheckpoint>>;

export function readCheckpoints(stateDir: string): PersistedCheckpoints {
  return readJson<{ mappings?: PersistedCheckpoints }>(path.join(stateDir, 'data', 'checkpoints.json'))?.mappings ?? {};
}

/** The sequence number a shard of a mapping is committed through, if a record was committed on it. */
export function committedThrough(cps: PersistedCheckpoints, fn: string, shardId: string): bigint | undefined {
  const position = cps[fn]?.[shardId]?.position;
  return position?.type === 'AFTER_SEQUENCE_NUMBER' ? BigInt(position.sequenceNumber) : undefined;
}

/** Whether a record is at or before its shard's committed position. */
export function isCommitted(cps: PersistedCheckpoints, fn: string, shardId: string, seq: string): boolean {
  const through = committedThrough(cps, fn, shardId);
  return through !== undefined && BigInt(seq) <= through;
}
