/**
 * Which of the closers of a race's last windows publishes: the first to claim
 * a snapshot newer than the last one claimed.
 *
 * Once a race is over, publishDecision.ts cannot tell a lagging shard from
 * one that has no more records of the race, so every closer may publish; at
 * the end of a full race that was one 1,000-entry mutation and fan-out per
 * shard and class, most of them the same ranking, on top of the finalizer's
 * burst of result writes. The claim keeps only the publishes that show more.
 *
 * It is not used while the race runs: there, closers that close a window at
 * the same moment may each publish the same ranking (publishDecision.ts), and
 * a claim would be a second live-path write per closer — the issue holds the
 * live path to at most one write per race, shard and window.
 *
 * The snapshot's progress is the sum of every part's `version`, from the
 * closer's decision read: every write of a part (new riders, or a window
 * recorded) adds one to its version and nothing else changes a part, so a
 * later read has at least the progress of an earlier one, and more exactly
 * when some part was written in between. A closer claims by a conditional
 * UpdateItem on the race's marker (core/keys.ts livePublishKey) that succeeds
 * only if its progress is greater than the claimed one — or equal and
 * claimed by its own shard, so that Lambda's retry of a final invocation
 * that claimed and then failed publishes again — and publishes only if the
 * claim succeeded. So:
 *
 * - closers of other shards with the same view: one publishes;
 * - a closer that sees more (shards close the last windows one after
 *   another) publishes again, with the larger view;
 * - a replayed window of another shard (nothing written) publishes nothing.
 *
 * What it costs: one small conditional write per closer of a race's last
 * windows (none in a race-minute while the race runs).
 * What it gives up: a claimer that fails to publish without being retried
 * (its publish is best effort, as before) leaves that snapshot unpublished
 * until a closer sees more; the stored parts stay the source of truth, which
 * the `liveRankings` query reads.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_LIVE_PUBLISH, livePublishKey } from '../../core/keys.js';
import { writtenUnlessConditionFails } from '../shared/conditionalWrite.js';
import type { PartWindow } from '../shared/readLiveParts.js';

/** The progress of a snapshot: the sum of its parts' versions. */
export function snapshotProgress(parts: readonly PartWindow[]): number {
  let sum = 0;
  for (const p of parts) sum += p.version;
  return sum;
}

/**
 * True when the closer on `shardId` won the claim to publish a snapshot of
 * `progress` (false: another shard claimed one as new, or a newer one).
 */
export async function claimPublish(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: { classId: number; raceId: number; shardId: string },
  progress: number,
  claimedAt: string,
): Promise<boolean> {
  return writtenUnlessConditionFails(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: livePublishKey(ref.classId, ref.raceId),
        UpdateExpression:
          'SET progress = :p, claimant = :me, itemType = :t, classId = :c, raceId = :r, claimedAt = :at',
        ConditionExpression: 'attribute_not_exists(progress) OR progress < :p OR (progress = :p AND claimant = :me)',
        ExpressionAttributeValues: {
          ':p': progress,
          ':me': ref.shardId,
          ':t': ITEM_LIVE_PUBLISH,
          ':c': ref.classId,
          ':r': ref.raceId,
          ':at': claimedAt,
        },
      }),
    ),
  );
}
