/**
 * BatchWriteItem of many puts: 25 per call (the DynamoDB limit), calls in
 * parallel, `UnprocessedItems` retried with exponential backoff and jitter as
 * the DynamoDB guide requires. Items that still fail are returned, not lost.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Sleep } from './clock.js';
import { realSleep } from './clock.js';
import { toError } from '../../lib/toError.js';
import { isTransient } from './isTransient.js';
import { backoffMs } from './retry.js';
import { chunk, forEachLimited } from '../../lib/concurrency.js';

export const BATCH_WRITE_LIMIT = 25;

export interface BatchWriteOptions {
  /** Calls per chunk before giving up on its remaining items (default 8). */
  attempts?: number;
  /** Chunks written at once (default 8). */
  parallel?: number;
  sleep?: Sleep;
  random?: () => number;
}

export interface BatchWriteOutcome<T> {
  written: number;
  /** Retry calls made for UnprocessedItems or transient errors. */
  unprocessedRetries: number;
  calls: number;
  failed: Array<{ item: T; error: Error }>;
}

/** Puts every item (keys must be distinct: DynamoDB refuses duplicates in one call). */
export async function batchPutAll<T extends { PK: string; SK: string }>(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  items: readonly T[],
  opts: BatchWriteOptions = {},
): Promise<BatchWriteOutcome<T>> {
  const attempts = opts.attempts ?? 8;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const outcome: BatchWriteOutcome<T> = { written: 0, unprocessedRetries: 0, calls: 0, failed: [] };

  async function writeChunk(part: T[]): Promise<void> {
    let pending = part;
    let lastError: Error = new Error('UnprocessedItems were still returned after the last attempt');
    for (let attempt = 0; attempt < attempts && pending.length > 0; attempt += 1) {
      if (attempt > 0) {
        outcome.unprocessedRetries += 1;
        await sleep(backoffMs(attempt - 1, 50, 2000, random));
      }
      outcome.calls += 1;
      try {
        const res = await ddb.send(
          new BatchWriteCommand({
            RequestItems: {
              [tableName]: pending.map((item) => ({ PutRequest: { Item: item as Record<string, unknown> } })),
            },
          }),
        );
        const left = res.UnprocessedItems?.[tableName] ?? [];
        const leftItems = left
          .map((w) => w.PutRequest?.Item)
          .filter((i): i is Record<string, unknown> => i !== undefined);
        outcome.written += pending.length - leftItems.length;
        // UnprocessedItems echo the items we sent; map them back by key.
        const leftKeys = new Set(leftItems.map((i) => `${String(i.PK)}|${String(i.SK)}`));
        pending = pending.filter((i) => leftKeys.has(`${i.PK}|${i.SK}`));
      } catch (error) {
        lastError = toError(error);
        if (!isTransient(error)) break;
      }
    }
    for (const item of pending) outcome.failed.push({ item, error: lastError });
  }

  await forEachLimited(chunk(items, BATCH_WRITE_LIMIT), opts.parallel ?? 8, writeChunk);
  return outcome;
}
