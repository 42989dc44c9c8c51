/**
 * What a closer reads to find a window complete: every shard's watermark as
 * of its last close (core/shardWatermark.ts), and the window claim read with
 * them.
 */
import type { ShardWatermark, WindowSpan } from '../../core/shardWatermark.js';
import { mergeWatermarks, racesNamed } from '../../core/shardWatermark.js';
import type { RetryOptions } from '../runtime/retry.js';
import { withRetry } from '../runtime/retry.js';
import type { CloseDeps } from './closeDeps.js';
import { keepMs } from './closeDeps.js';
import type { WindowClaim } from './publishClaim.js';
import { readPartWatermarks, readWatermarkItems } from './shardWatermarkStore.js';
import { parseRaceKey } from './windowState.js';

/** Rounds of part reads for races named only by watermarks read in the previous round. */
const MARK_ROUNDS = 3;

/**
 * Every shard's watermark as of its last close, `self` included: the
 * watermark items, merged with what page 0 of the parts of every race they
 * name (and of this shard's races) carries. Items of shards that have not
 * written theirs for longer than a race, a window and the kept races (an
 * active shard writes it at every race's start) name races nobody closes any more.
 */
export async function readMarks(
  deps: CloseDeps,
  retry: RetryOptions,
  shardId: string,
  span: WindowSpan,
  own: readonly string[],
  self: ShardWatermark,
): Promise<{ marks: ShardWatermark[]; claim: WindowClaim | undefined }> {
  const { marks: items, claim } = await withRetry(
    'read window watermarks',
    () => readWatermarkItems(deps.ddb, deps.tableName),
    retry,
  );
  const since = span.start - (deps.raceSeconds * 1000 + keepMs(deps, span));
  const active = items.filter((m) => Math.max(m.closedEnd ?? -Infinity, m.openStart ?? -Infinity) >= since);
  let marks = mergeWatermarks([...items.filter((m) => m.shardId !== shardId), self]);
  const read = new Set<string>();
  let named = [...own, ...racesNamed([...active, self])];
  for (let round = 0; round < MARK_ROUNDS; round += 1) {
    const next = [...new Set(named)].filter((k) => !read.has(k));
    if (next.length === 0) break;
    const pieces = await Promise.all(
      next.map((key) => {
        read.add(key);
        const { classId, raceId } = parseRaceKey(key);
        return withRetry(
          'read part watermarks',
          () => readPartWatermarks(deps.ddb, deps.tableName, classId, raceId),
          retry,
        );
      }),
    );
    marks = mergeWatermarks([...marks, ...pieces.flat()]);
    named = racesNamed(pieces.flat());
  }
  return { marks, claim };
}
