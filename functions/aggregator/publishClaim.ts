/**
 * Claims to publish boards: how exactly one closer publishes a board.
 *
 * While races run, the closer that finds every awaited shard past a window
 * (core/shardWatermark.ts) claims that window for every running race at once
 * (claimBoards, the window claim item) with a conditional UpdateItem that
 * succeeds only for a window newer than the one claimed, or the same window
 * claimed by its own shard (Lambda's retry of a final invocation that claimed
 * and then failed publishes again). Two closers that finish a window at the
 * same moment find it complete; one wins the claim. A lagging shard that
 * closes an older window after the board moved on claims nothing. A shard
 * given up while it lagged that closes the claimed window after all (the
 * claim does not list it among the closers) claims each race's board on the
 * race's LivePublish marker (core/livePublish.ts) instead, for the same
 * window with a snapshot that holds more: its riders' newest records are
 * published then (claimWindow).
 *
 * Once a race is over the closers do not wait (a shard whose riders sent
 * their last records a window earlier would hold the race's last board back
 * for good): each claims by the snapshot's progress instead and publishes
 * only a snapshot that holds more than the last one claimed.
 */
import { transientExpiresAt } from '../../core/expiresAt.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_LIVE_PUBLISH, livePublishKey, windowClaimKey } from '../../core/keys.js';
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

/** The window claim as read (core/keys.ts windowClaimKey). */
export interface WindowClaim {
  windowEnd: number;
  claimant: string;
  /** The shards the claimant saw past the window when it claimed (the others were given up, or not active). */
  closers: string[];
}

/**
 * Claims the boards of every running race of the window ending at
 * `windowEnd` for the closer on `shardId`, which found every awaited shard
 * past it (`closers`): one conditional UpdateItem per window, whatever the
 * number of races. It succeeds for a window newer than the one claimed, or
 * for the same window claimed by the same shard (Lambda's retry of a final
 * invocation that claimed and then failed publishes again). A shard given up
 * while it lagged, which closes the window after it was claimed without it,
 * claims each race's board by its snapshot instead (claimWindow).
 */
export function claimBoards(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  shardId: string,
  windowEnd: number,
  closers: readonly string[],
  claimedAt: string,
): Promise<boolean> {
  return writtenUnlessConditionFails(
    ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: windowClaimKey(),
        UpdateExpression: 'SET windowEnd = :w, claimant = :me, closers = :c, itemType = :t, claimedAt = :at',
        ConditionExpression: 'attribute_not_exists(windowEnd) OR windowEnd < :w OR (windowEnd = :w AND claimant = :me)',
        ExpressionAttributeValues: {
          ':w': windowEnd,
          ':me': shardId,
          ':c': [...closers],
          ':t': ITEM_LIVE_PUBLISH,
          ':at': claimedAt,
        },
      }),
    ),
  );
}

/** The window claim of an item read (undefined when the item is not one). */
export function windowClaimOf(item: Record<string, unknown> | undefined): WindowClaim | undefined {
  if (item === undefined || typeof item.windowEnd !== 'number' || typeof item.claimant !== 'string') return undefined;
  const closers = Array.isArray(item.closers) ? item.closers.filter((c): c is string => typeof c === 'string') : [];
  return { windowEnd: item.windowEnd, claimant: item.claimant, closers };
}

/** The window claim (strongly consistent; undefined before the first). */
export async function readWindowClaim(
  ddb: DynamoDBDocumentClient,
  tableName: string,
): Promise<WindowClaim | undefined> {
  const res = await ddb.send(new GetCommand({ TableName: tableName, Key: windowClaimKey(), ConsistentRead: true }));
  return windowClaimOf(res.Item);
}
