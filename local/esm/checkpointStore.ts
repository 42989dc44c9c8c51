/**
 * Where each mapping's shards resume: a JSON file under the data directory,
 * replaced atomically (write to a temporary file, then rename), so a crash
 * leaves either the old or the new checkpoints, never a torn file. Writes are
 * coalesced: at most one in flight, the newest state written next.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ShardCheckpoint } from './types.js';

type Checkpoints = Record<string, Record<string, ShardCheckpoint>>;

export interface CheckpointStore {
  get(mappingId: string, shardId: string): ShardCheckpoint | undefined;
  put(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): void;
  /** Resolves once everything put so far is on disk. */
  flush(): Promise<void>;
}

/** Checkpoints kept in memory only (`--in-memory`, tests). */
export function memoryCheckpointStore(): CheckpointStore {
  const all: Checkpoints = {};
  return {
    get: (m, s) => all[m]?.[s],
    put: (m, s, cp) => {
      (all[m] ??= {})[s] = cp;
    },
    flush: async () => undefined,
  };
}

function readCheckpoints(file: string): Checkpoints {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object') return {};
  const mappings = (parsed as { mappings?: unknown }).mappings;
  return mappings !== null && typeof mappings === 'object' ? (mappings as Checkpoints) : {};
}

/** Checkpoints persisted in `file` (created with its folder when first written). */
export function fileCheckpointStore(file: string): CheckpointStore {
  const all = readCheckpoints(file);
  let dirty = false;
  let writing: Promise<void> | undefined;
  const tmp = `${file}.${process.pid}.tmp`;

  const writeLoop = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      const body = JSON.stringify({ version: 1, mappings: all }, null, 1);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(tmp, body);
      await fs.promises.rename(tmp, file);
    }
  };
  const schedule = (): void => {
    dirty = true;
    writing ??= writeLoop().finally(() => {
      writing = undefined;
    });
  };
  return {
    get: (m, s) => all[m]?.[s],
    put: (m, s, cp) => {
      (all[m] ??= {})[s] = cp;
      schedule();
    },
    flush: async () => {
      while (writing) await writing;
    },
  };
}
