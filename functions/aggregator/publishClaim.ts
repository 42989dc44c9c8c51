/**
 * Claims on a race's LivePublish marker (core/livePublish.ts): how exactly
 * one closer publishes a board.
 *
 * While a race runs, the closer that finds every awaited shard past a window
 * (core/shardWatermark.ts) claims that window with a conditional UpdateItem
 * that succeeds only for a window newer than the one claimed, or the same
 * window claimed by its own shard (Lambda's retry of a final invocation that
 * claimed and then failed publishes again), or the same window with a
 * snapshot that holds more (a shard given up while it lagged closes the
 * window after all: its riders' newest records are published then). Two
 * closers that finish a window at the same moment find it complete with the
 * same snapshot; one wins the claim. A lagging shard that closes an older
 * window after the board moved on claims nothing.
 *
 * Once a race is over the closers do not wait (a shard whose riders sent
 * their last records a window earlier would hold the race's last board back
 * for good): each claims by the snapshot's progress instead and publishes
 * only a snapshot that holds more than the last one claimed.
 */
import { transientExpiresAt } from '../../core/expiresAt.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_LIVE_PUBLISH, livePublishKey } from '../../core/keys.js';
import { writtenUnlessConditionFails } from '../runtime/conditionalWrite.js';

export interface ClaimRef {
  classId: number;
  raceId: number;
  shardId: string;
}

function claim(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: ClaimRef,
  set: string,
  condition: string,
  values: Record<string, unknown>,
  claimedAt: string,
): Promise<boolean> {
  return writtenUnlessConditionFails(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: livePublishKey(ref.classId, ref.raceId),
        UpdateExpression: `SET ${set}, claimant = :me, itemType = :t, classId = :c, raceId = :r, claimedAt = :at, expiresAt = :exp`,
        ConditionExpression: condition,
        ExpressionAttributeValues: {
          ...values,
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

/** True when the closer on `ref.shardId` won the board of the window ending at `windowEnd`. */
export function claimWindow(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: ClaimRef,
  windowEnd: number,
  progress: number,
  claimedAt: string,
): Promise<boolean> {
  return claim(
    ddb,
    tableName,
    ref,
    'windowEnd = :w, progress = :p',
    'attribute_not_exists(windowEnd) OR windowEnd < :w OR (windowEnd = :w AND (claimant = :me OR progress < :p))',
    { ':w': windowEnd, ':p': progress },
    claimedAt,
  );
}

/**
 * True when the closer on `ref.shardId` won the claim to publish a snapshot
 * of `progress` once the race is over (false: another shard claimed one as
 * new, or a newer one).
 */
export function claimPublish(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  ref: ClaimRef,
  progress: number,
  claimedAt: string,
): Promise<boolean> {
  return claim(
    ddb,
    tableName,
    ref,
    'progress = :p',
    'attribute_not_exists(progress) OR progress < :p OR (progress = :p AND claimant = :me)',
    { ':p': progress },
    claimedAt,
  );
}
