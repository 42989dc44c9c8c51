/**
 * The all-time consumer's invocation logic (DynamoDB Streams, filtered to
 * Result INSERTs by the event-source mapping), dependencies passed in.
 * Per-record failures go back to Lambda through Powertools' BatchProcessor.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { LogPort, MetricsPort } from '../shared/observability.js';
import { applyResult } from './applyResult.js';
import { parseResultImage } from './resultImage.js';

/** The DynamoDB Streams event Lambda sends (types of @types/aws-lambda). */
export type StreamEvent = DynamoDBStreamEvent;
type StreamRecord = DynamoDBRecord;

export interface AllTimeDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  logger: LogPort;
  metrics: MetricsPort;
}

export interface PartialResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** Builds the all-time consumer for the given dependencies. */
export function createAllTime(deps: AllTimeDeps): (event: StreamEvent) => Promise<PartialResponse> {
  return async (event) => {
    let applied = 0;
    let skipped = 0;
    let ignored = 0;
    try {
      const response = await processPartialResponse(
        event,
        async (rec: StreamRecord) => {
          // MODIFY/REMOVE are never counted (see allTimeUpdates.ts); the
          // mapping's filter already keeps them away.
          if (rec.eventName !== 'INSERT') {
            ignored += 1;
            return;
          }
          const parsed = parseResultImage(rec.dynamodb?.NewImage);
          if (!parsed.ok) {
            ignored += 1;
            deps.logger.warn('ignored a stream record that is not a Result', { reason: parsed.reason, sequenceNumber: rec.dynamodb?.SequenceNumber });
            return;
          }
          const outcome = await applyResult(deps.ddb, deps.tableName, parsed.result);
          if (outcome.counted) applied += 1;
          else skipped += 1;
        },
        new BatchProcessor(EventType.DynamoDBStreams),
        { throwOnFullBatchFailure: false },
      );
      if (response.batchItemFailures.length > 0) {
        deps.logger.error('all-time updates failed; reported as batch item failures', { count: response.batchItemFailures.length });
      }
      deps.logger.info('all-time batch applied', { records: event.Records.length, applied, replaySkipped: skipped, ignored });
      return { batchItemFailures: response.batchItemFailures.map((f) => ({ itemIdentifier: f.itemIdentifier })) };
    } finally {
      deps.metrics.addMetric('AllTimeApplied', 'Count', applied);
      deps.metrics.addMetric('AllTimeReplaySkipped', 'Count', skipped);
      deps.metrics.publishStoredMetrics();
    }
  };
}
