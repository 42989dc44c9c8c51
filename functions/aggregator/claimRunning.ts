/**
 * Whether a closer publishes the running races' boards of a window it found
 * complete, by the window claim (publishClaim.ts claimBoards), and the rule
 * every claim of the close follows: a claim that cannot be made publishes
 * anyway.
 */
import type { ShardWatermark, WindowSpan } from '../../core/shardWatermark.js';
import { errorMessage } from '../../lib/toError.js';
import type { RetryOptions } from '../runtime/retry.js';
import { withRetry } from '../runtime/retry.js';
import type { CloseDeps } from './closeDeps.js';
import type { WindowClaim } from './publishClaim.js';
import { claimBoards, readWindowClaim } from './publishClaim.js';

/** Claims that cannot be made (DynamoDB failing after the retries) publish anyway: a second complete board is harmless, a missing one is not. */
export async function claimOrPublishAnyway(
  deps: CloseDeps,
  retry: RetryOptions,
  log: Record<string, unknown>,
  claim: () => Promise<boolean>,
): Promise<boolean> {
  try {
    return await withRetry('claim publish', claim, retry);
  } catch (error) {
    deps.logger.warn('could not claim the publish; publishing anyway', { ...log, error: errorMessage(error) });
    return true;
  }
}

/**
 * Whether this closer publishes the running races' boards of a window it
 * found complete: `won` the window claim (publishBoards claimBoards: one
 * write for every race), `skip` (another closer claimed it having seen this
 * shard past it, or a newer window was claimed), or `late`: the window was
 * claimed without this shard (given up while it lagged), so each race's
 * board is claimed by its snapshot and published again if it holds more.
 * The claim as read after this shard's writes spares the write when it
 * could not succeed; claims that cannot be made publish anyway.
 */
export async function claimRunning(
  deps: CloseDeps,
  retry: RetryOptions,
  shardId: string,
  span: WindowSpan,
  marks: readonly ShardWatermark[],
  claim: WindowClaim | undefined,
  updatedAt: string,
): Promise<'won' | 'skip' | 'late'> {
  const fromOthers = (c: WindowClaim | undefined): 'skip' | 'late' | undefined => {
    if (c === undefined || c.windowEnd < span.end || (c.windowEnd === span.end && c.claimant === shardId))
      return undefined;
    return c.windowEnd > span.end || c.closers.includes(shardId) ? 'skip' : 'late';
  };
  // The claim as read with the watermarks, then once more just before claiming: closers that finish
  // together read the watermarks together, and the one read last sees a claim already made.
  const known = fromOthers(claim) ?? fromOthers(await readClaimOrNot(deps, shardId));
  if (known !== undefined) return known;
  const closers = marks.filter((m) => m.closedEnd !== undefined && m.closedEnd >= span.end).map((m) => m.shardId);
  const won = await claimOrPublishAnyway(deps, retry, { shardId }, () =>
    claimBoards(deps.ddb, deps.tableName, shardId, span.end, closers.sort(), updatedAt),
  );
  if (won) return 'won';
  try {
    return (
      fromOthers(await withRetry('read window claim', () => readWindowClaim(deps.ddb, deps.tableName), retry)) ?? 'skip'
    );
  } catch (error) {
    deps.logger.warn('could not read the window claim; another closer publishes', {
      shardId,
      error: errorMessage(error),
    });
    return 'skip';
  }
}

/** The window claim, or undefined when it cannot be read now (a later read, or the claim write, decides). */
export async function readClaimOrNot(deps: CloseDeps, shardId: string): Promise<WindowClaim | undefined> {
  try {
    return await readWindowClaim(deps.ddb, deps.tableName);
  } catch (error) {
    deps.logger.debug('window claim not read before claiming', { shardId, error: errorMessage(error) });
    return undefined;
  }
}
