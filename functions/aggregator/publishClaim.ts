/**
 * Which closer of a race's last windows publishes: the first to claim a
 * snapshot newer than the last one claimed.
 *
 * Once a race is over, publishDecision.ts cannot tell a lagging shard from
 * one with no more records of the race, so every closer may publish, mostly
 * the same ranking. A closer claims with a conditional UpdateItem on the
 * race's LivePublish marker (core/livePublish.ts) that succeeds only if its
 * snapshot's progress is greater than the one claimed, or equal and claimed
 * by its own shard (so Lambda's retry of a final invocation that claimed and
 * then failed publishes again), and publishes only if the claim succeeded.
 * Closers with the same view publish once; one that sees more publishes
 * again; a replayed window publishes nothing.
 *
 * While the race runs the claim is not used: it would add a second write per
 * closer to the live path, which has at most one per race, shard and window.
 * A claimer whose publish fails leaves that snapshot unpublished until a
 * closer sees more; the stored parts, which `liveRankings` reads, stay the
 * truth.
 */
import { transientExpiresAt } from '../../core/expiresAt.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_LIVE_PUBLISH, livePublishKey } from '../../core/keys.js';
import { writtenUnlessConditionFails } from '../runtime/conditionalWrite.js';

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
          'SET progress = :p, claimant = :me, itemType = :t, classId = :c, raceId = :r, claimedAt = :at, expiresAt = :exp',
        ConditionExpression: 'attribute_not_exists(progress) OR progress < :p OR (progress = :p AND claimant = :me)',
        ExpressionAttributeValues: {
          ':p': progress,
          ':me': ref.shardId,
          ':t': ITEM_LIVE_PUBLISH,
          ':c': ref.classId,
          ':r': ref.raceId,
          ':at': claimedAt,
          ':exp': transientExpiresAt(Date.parse(claimedAt)),
        },
      }),
    ),
  );
}
