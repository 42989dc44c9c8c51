/**
 * The finalizer's invocation logic (second Kinesis consumer), dependencies
 * passed in; handler.ts wires it to the environment.
 *
 * 1. Decode and validate every record (malformed: counted, logged once, dropped).
 * 2. Mark every race seen as open (once per container per race).
 * 3. `final` records → result items, BatchWriteItem (25 per call, in parallel).
 * 4. Report per-record failures through Powertools' BatchProcessor, so Lambda
 *    retries from the first failed record only.
 * 5. Close every open race whose slot plus grace has passed (injected clock),
 *    each by the one invocation that claims it on its OpenRace marker.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RACE_CLASSES } from '../../core/raceClasses.js';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { batchPutAll } from '../shared/batchWrite.js';
import type { Clock, Sleep } from '../shared/clock.js';
import { PipelineError, toError } from '../shared/errors.js';
import type { KinesisEventRecord } from '../shared/kinesisRecord.js';
import { decodeTelemetry, shardIdOf } from '../shared/kinesisRecord.js';
import type { LogPort, MetricsPort } from '../shared/observability.js';
import { closeRace } from './closeRace.js';
import type { OpenRace } from './raceClosing.js';
import { dueRaces } from './raceClosing.js';
import { claimRaceClose, ensureOpenRace, listOpenRaces } from './raceStore.js';
import { finalResults } from './resultItem.js';

export interface FinalizerDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  raceSeconds: number;
  graceSeconds: number;
  logger: LogPort;
  metrics: MetricsPort;
  clock: Clock;
  sleep?: Sleep;
  /** Open races are looked for at most this often per container (default 5 s). */
  closeCheckIntervalMs?: number;
  /** Time an invocation may spend closing races (default 20 s; the function's timeout is 60 s). */
  closeBudgetMs?: number;
  /**
   * How long a claim to close a race keeps other closers away (default 60 s,
   * the function's timeout: by then a claimer that has not finished is dead).
   */
  closeLeaseMs?: number;
}

export interface KinesisBatchEvent {
  Records: Array<KinesisEventRecord & { eventSourceARN?: string }>;
}

/**
 * A scheduled invocation (EventBridge `rate(1 minute)`): no records, only the
 * closing of due races, so that a race closes even when the stream goes quiet.
 */
export interface ScheduledEvent {
  source?: string;
  'detail-type'?: string;
}

export interface PartialResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** A record whose result or race marker could not be stored. */
export class RecordNotStoredError extends PipelineError {
  override readonly name = 'RecordNotStoredError';
}

/** Builds the finalizer for the given dependencies. */
export function createFinalizer(deps: FinalizerDeps): (event: KinesisBatchEvent | ScheduledEvent) => Promise<PartialResponse> {
  const markedOpen = new Set<string>();
  let lastCloseCheck = Number.NEGATIVE_INFINITY;
  /** Newest arrival time (epoch ms) this container has processed: its position in the stream. */
  let watermark: number | undefined;

  async function markRaces(valid: Array<{ sequenceNumber: string; record: TelemetryRecord }>, failed: Map<string, Error>): Promise<void> {
    const seqsByRace = new Map<string, { race: OpenRace; seqs: string[] }>();
    for (const { sequenceNumber, record } of valid) {
      const k = `${record.classId}:${record.raceId}`;
      // Cached only while the race runs: a record of a race that may already be
      // closed (by this or another container) must bring its marker back, so the
      // race is closed again with this record's result in the summary.
      if (markedOpen.has(k) && !isDue(record.raceId)) continue;
      const entry = seqsByRace.get(k) ?? { race: { classId: record.classId, raceId: record.raceId }, seqs: [] };
      entry.seqs.push(sequenceNumber);
      seqsByRace.set(k, entry);
    }
    await Promise.all(
      [...seqsByRace.entries()].map(async ([k, { race, seqs }]) => {
        try {
          await ensureOpenRace(deps.ddb, deps.tableName, race);
          markedOpen.add(k);
        } catch (error) {
          for (const s of seqs) failed.set(s, toError(error));
        }
      }),
    );
  }

  function isDue(raceId: number): boolean {
    return dueRaces([{ classId: 0, raceId }], deps.clock.now(), deps.raceSeconds, deps.graceSeconds).length > 0;
  }

  /**
   * Closes due races. A race is due when the clock has passed its end plus the
   * grace period and, for stream invocations, this consumer's own position in
   * the stream (the newest arrival time it processed) has passed it too: a
   * consumer running behind must not close a race whose finals it has not read
   * yet. Races are closed a few at a time within a time budget, so that a
   * backlog of races cannot push an invocation past its timeout; the rest are
   * closed on the next invocation.
   */
  async function closeDue(shardId: string, watermarkMillis: number | undefined, force = false): Promise<void> {
    const now = deps.clock.now();
    if (!force && now - lastCloseCheck < (deps.closeCheckIntervalMs ?? 5000)) return;
    lastCloseCheck = now;
    const horizon = watermarkMillis === undefined ? now : Math.min(now, watermarkMillis);
    const open = (await Promise.all(RACE_CLASSES.map((c) => listOpenRaces(deps.ddb, deps.tableName, c.classId)))).flat();
    const due = dueRaces(open, horizon, deps.raceSeconds, deps.graceSeconds);
    const budgetEnds = now + (deps.closeBudgetMs ?? 20_000);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(3, due.length) }, async () => {
        while (next < due.length && deps.clock.now() < budgetEnds) {
          const race = due[next];
          next += 1;
          if (race === undefined) continue;
          // Every shard's finalizer finds the same races due; one claims each, the others skip it.
          if (!(await claimRaceClose(deps.ddb, deps.tableName, race, deps.clock.now(), deps.closeLeaseMs ?? 60_000))) {
            markedOpen.delete(`${race.classId}:${race.raceId}`);
            continue;
          }
          const outcome = await closeRace(deps.ddb, deps.tableName, race, new Date(now).toISOString());
          markedOpen.delete(`${race.classId}:${race.raceId}`);
          deps.metrics.addMetric('RacesClosed', 'Count', 1);
          deps.metrics.addMetric('NotFinishedResults', 'Count', outcome.notFinished);
          deps.logger.info('race closed', { shardId, ...race, ...outcome });
        }
      }),
    );
  }

  return async (event) => {
    if (!('Records' in event) || !Array.isArray(event.Records)) {
      // Scheduled: a failure here is thrown, so the invocation shows as failed (and alarms).
      try {
        await closeDue('scheduled', undefined, true);
        return { batchItemFailures: [] };
      } finally {
        deps.metrics.publishStoredMetrics();
      }
    }
    const records = event.Records;
    const shardId = records.map(shardIdOf).find((s) => s !== undefined) ?? 'unknown-shard';
    try {
      const valid: Array<{ sequenceNumber: string; record: TelemetryRecord }> = [];
      const malformed = [];
      for (const rec of records) {
        const arrival = rec.kinesis.approximateArrivalTimestamp;
        if (typeof arrival === 'number') watermark = Math.max(watermark ?? 0, arrival * 1000);
        const d = decodeTelemetry(rec, deps.raceSeconds);
        if (d.ok) valid.push({ sequenceNumber: rec.kinesis.sequenceNumber, record: d.record });
        else malformed.push({ sequenceNumber: d.sequenceNumber, field: d.field, message: d.message });
      }
      deps.metrics.addMetric('RecordsReceived', 'Count', records.length);
      if (malformed.length > 0) {
        deps.metrics.addMetric('MalformedRecords', 'Count', malformed.length);
        deps.logger.warn('dropped malformed telemetry records', { shardId, count: malformed.length, sample: malformed.slice(0, 3) });
      }

      const failed = new Map<string, Error>();
      await markRaces(valid, failed);
      const finals = finalResults(valid);
      const write = await batchPutAll(
        deps.ddb,
        deps.tableName,
        finals.map((f) => f.item),
        { sleep: deps.sleep },
      );
      deps.metrics.addMetric('ResultsWritten', 'Count', write.written);
      deps.metrics.addMetric('UnprocessedRetries', 'Count', write.unprocessedRetries);
      for (const { item, error } of write.failed) {
        const f = finals.find((x) => x.item === item);
        for (const s of f?.sequenceNumbers ?? []) failed.set(s, error);
      }
      if (failed.size > 0) {
        deps.logger.error('records not stored; reported as batch item failures', {
          shardId,
          count: failed.size,
          error: [...failed.values()][0]?.message,
        });
      }

      const response = await processPartialResponse(
        event,
        async (rec: KinesisEventRecord) => {
          const error = failed.get(rec.kinesis.sequenceNumber);
          if (error !== undefined) throw new RecordNotStoredError('result or race marker not stored', { cause: error });
        },
        new BatchProcessor(EventType.KinesisDataStreams),
        { throwOnFullBatchFailure: false },
      );

      try {
        await closeDue(shardId, watermark);
      } catch (error) {
        // The markers stay, so the next invocation tries again; the records
        // of this batch are stored and must not be re-delivered for this.
        deps.metrics.addMetric('RaceCloseFailures', 'Count', 1);
        deps.logger.error('closing races failed; retried on the next invocation', { shardId, error: toError(error).message });
        lastCloseCheck = Number.NEGATIVE_INFINITY;
      }
      return { batchItemFailures: response.batchItemFailures.map((f) => ({ itemIdentifier: f.itemIdentifier })) };
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
