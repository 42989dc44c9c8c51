/**
 * What Lambda sends to a stream mapping's OnFailure destination when it
 * discards a batch: the batch's metadata (never the records), with
 * `KinesisBatchInfo` or `DDBStreamBatchInfo` depending on the source.
 */
import { randomUUID } from 'node:crypto';
import type { BatchInfo, DiscardCondition, FailureMessage, SourceKind, SourceRecord } from './types.js';

export interface RecordSpan {
  readonly first: { readonly sequenceNumber: string; readonly arrivalMs: number };
  readonly last: { readonly sequenceNumber: string; readonly arrivalMs: number };
  readonly batchSize: number;
}

/** The span of a batch of records; undefined for an empty one. */
export function spanOf(records: readonly SourceRecord[]): RecordSpan | undefined {
  const first = records[0];
  const last = records[records.length - 1];
  return first && last ? { first, last, batchSize: records.length } : undefined;
}

export interface DiscardedBatch {
  readonly span: RecordSpan;
  readonly condition: DiscardCondition;
  /** Invocations made with the batch (0 when it expired before the first). */
  readonly invokeCount: number;
  /** `Unhandled` when the last invocation threw. */
  readonly functionError: string | undefined;
}

export function failureMessage(
  batch: DiscardedBatch,
  source: { readonly kind: SourceKind; readonly arn: string; readonly shardId: string; readonly functionArn: string },
  nowMs: number,
): FailureMessage {
  const info: BatchInfo = {
    shardId: source.shardId,
    startSequenceNumber: batch.span.first.sequenceNumber,
    endSequenceNumber: batch.span.last.sequenceNumber,
    approximateArrivalOfFirstRecord: new Date(batch.span.first.arrivalMs).toISOString(),
    approximateArrivalOfLastRecord: new Date(batch.span.last.arrivalMs).toISOString(),
    batchSize: batch.span.batchSize,
    streamArn: source.arn,
  };
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: source.functionArn,
      condition: batch.condition,
      approximateInvokeCount: batch.invokeCount,
    },
    ...(batch.invokeCount > 0
      ? {
          responseContext: {
            statusCode: 200,
            executedVersion: '$LATEST',
            ...(batch.functionError ? { functionError: batch.functionError } : {}),
          },
        }
      : {}),
    version: '1.0',
    timestamp: new Date(nowMs).toISOString(),
    ...(source.kind === 'kinesis' ? { KinesisBatchInfo: info } : { DDBStreamBatchInfo: info }),
  };
}
