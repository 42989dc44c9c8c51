/**
 * The poller of one shard: Lambda's stream event-source semantics, written
 * against a ShardReader port so it is tested with a fake reader and runs
 * unchanged on kinesalite and DynamoDB Local.
 *
 * Reproduced (AWS Lambda developer guide, "Lambda with Kinesis / DynamoDB"):
 * - one shard is processed in order; a failing batch blocks it until it
 *   succeeds, is bisected away, expires, or runs out of retries;
 * - polling about once a second when idle, at once while there is backlog,
 *   never more than 5 GetRecords per second per shard;
 * - BatchSize, MaximumBatchingWindowInSeconds, the 6 MB payload limit;
 * - BisectBatchOnFunctionError (splitting does not consume the retry quota);
 * - MaximumRetryAttempts, MaximumRecordAgeInSeconds, OnFailure metadata;
 * - ReportBatchItemFailures: checkpoint before the lowest failed record;
 * - FilterCriteria: non-matching records never reach the function;
 * - tumbling windows aligned to arrival time, per shard, with `state` carried
 *   between invocations, a final invocation (`isFinalInvokeForWindow`) after
 *   the window ends, early termination past 1 MB of state, and a failed final
 *   invocation retried with the same state.
 */
import { randomUUID } from 'node:crypto';
import { batchVerdict, returnedState } from './batchResponse.js';
import { toError } from '../../lib/toError.js';
import type { ProcessorConfig } from './processorConfig.js';
import type {
  BatchInfo,
  DiscardCondition,
  FailureMessage,
  Invoke,
  MappingEvent,
  ShardCheckpoint,
  ShardMetrics,
  ShardReader,
  SourceKind,
  SourceRecord,
  WindowCheckpoint,
} from './types.js';

export interface ShardProcessorDeps {
  readonly shardId: string;
  readonly source: { readonly kind: SourceKind; readonly arn: string };
  readonly functionArn: string;
  readonly reader: ShardReader;
  readonly invoke: Invoke;
  readonly config: ProcessorConfig;
  /** The checkpoint this shard resumes from (its window included). */
  readonly initial?: ShardCheckpoint;
  /** Persists a checkpoint (called after every committed batch). */
  readonly saveCheckpoint: (checkpoint: ShardCheckpoint) => void;
  /** The OnFailure destination. */
  readonly onFailure: (message: FailureMessage) => Promise<void>;
  readonly now: () => number;
  /** Waits `ms` unless the signal aborts first. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly emit?: (event: MappingEvent) => void;
}

interface Buffered {
  readonly record: SourceRecord;
  readonly matched: boolean;
  readonly readAt: number;
}

interface Batch {
  records: SourceRecord[];
  /** Sequence number to checkpoint when the batch is done (filtered records after it included). */
  throughSeq: string;
  retries: number;
  invokeCount: number;
  lastError: 'Unhandled' | undefined;
}

interface OpenWindow {
  startMs: number;
  endMs: number;
  state: unknown;
  firstSequenceNumber?: string;
  lastSequenceNumber?: string;
  firstArrivalMs?: number;
  lastArrivalMs?: number;
}

type Outcome =
  | { kind: 'success'; response: unknown }
  | { kind: 'partial'; index: number; response: unknown }
  | { kind: 'error'; error: Error };

/** A shard's figures before anything was read (also the base of test doubles). */
export function emptyMetrics(shardId: string): ShardMetrics {
  return {
    shardId,
    status: 'running',
    iteratorAgeMs: 0,
    millisBehindLatest: undefined,
    recordsRead: 0,
    recordsFiltered: 0,
    recordsDelivered: 0,
    invocations: 0,
    batches: 0,
    functionErrors: 0,
    retries: 0,
    bisections: 0,
    partialFailures: 0,
    discardedBatches: 0,
    discardedRecords: 0,
    windowsClosed: 0,
    windowsTerminatedEarly: 0,
    lastCheckpoint: undefined,
  };
}

/** Start of the tumbling window an arrival time falls in (windows are aligned to the epoch). */
export function windowStartOf(arrivalMs: number, windowMs: number): number {
  return Math.floor(arrivalMs / windowMs) * windowMs;
}

export class ShardProcessor {
  private readonly d: ShardProcessorDeps;
  private readonly c: ProcessorConfig;
  private buffer: Buffered[] = [];
  private window: OpenWindow | undefined;
  private committedSeq: string | undefined;
  private lastPollStartedAt = Number.NEGATIVE_INFINITY;
  private lastPollCaughtUp = false;
  private nextPollAt = 0;
  private latestArrivalSeen = Number.NEGATIVE_INFINITY;
  private ended = false;
  private readonly abort = new AbortController();
  private readonly m: ShardMetrics;
  private running: Promise<void> | undefined;
  private abandoned = false;

  constructor(deps: ShardProcessorDeps) {
    this.d = deps;
    this.c = deps.config;
    this.m = emptyMetrics(deps.shardId);
    const w = deps.initial?.window;
    if (w) this.window = { ...w };
    const p = deps.initial?.position;
    if (p?.type === 'AFTER_SEQUENCE_NUMBER') this.committedSeq = p.sequenceNumber;
  }

  /** Starts the polling loop; resolves when the shard has ended or `stop()` was called. */
  start(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /**
   * Stops polling. An invocation in flight may finish within `graceMs`; after
   * that it is abandoned (nothing it does is committed), so its records are
   * delivered again after a restart, as Lambda re-delivers an unfinished batch.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.abort.abort();
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'abandoned'>((resolve) => {
        timer = setTimeout(() => resolve('abandoned'), graceMs);
      });
      const outcome = await Promise.race([this.running, grace]);
      clearTimeout(timer);
      if (outcome === 'abandoned') this.abandoned = true;
    }
    if (this.m.status === 'running') this.m.status = 'stopped';
  }

  metrics(): ShardMetrics {
    return { ...this.m };
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const done = await this.step();
        if (done) {
          this.m.status = 'ended';
          return;
        }
      } catch (error) {
        // A failed read (emulator restarting, expired iterator): Lambda's poller keeps retrying.
        this.d.emit?.({ type: 'readError', shardId: this.d.shardId, error: toError(error) });
        await this.d.sleep(this.c.idlePollMs, this.abort.signal);
      }
    }
  }

  /** One decision of the poller; true once the shard is finished. */
  private async step(): Promise<boolean> {
    const now = this.d.now();
    if (this.window && this.windowDue()) {
      await this.finishWindow(false);
      return false;
    }
    const span = this.nextSpan(now);
    if (span) {
      await this.processSpan(span);
      return false;
    }
    if (this.ended && this.buffer.length === 0 && !this.window) return true;
    const pollAt = this.pollAt();
    if (this.ended || now < pollAt) {
      await this.d.sleep(Math.max(1, Math.min(this.wakeAt(pollAt) - now, 1000)), this.abort.signal);
      return false;
    }
    await this.poll(now);
    return false;
  }

  /** When the next GetRecords may run. */
  private pollAt(): number {
    // Keep the buffer bounded: consume before reading more.
    if (this.buffer.length >= Math.max(this.c.batchSize, this.c.readLimit) * 2) return Number.POSITIVE_INFINITY;
    let at = this.nextPollAt;
    // A window can only close after a read that started once it ended (so every record of it was seen).
    if (this.window && this.lastPollStartedAt < this.window.endMs + this.c.windowCloseDelayMs) {
      at = Math.min(
        at,
        Math.max(this.window.endMs + this.c.windowCloseDelayMs, this.lastPollStartedAt + this.c.minPollSpacingMs),
      );
    }
    return at;
  }

  /** The earliest moment something may change: the next poll or the end of the batching window. */
  private wakeAt(pollAt: number): number {
    let at = pollAt;
    const head = this.buffer[0];
    if (head && this.c.maxBatchingWindowMs > 0) at = Math.min(at, head.readAt + this.c.maxBatchingWindowMs);
    return at;
  }

  private async poll(now: number): Promise<void> {
    this.lastPollStartedAt = now;
    const result = await this.d.reader.read(this.c.readLimit);
    const readAt = this.d.now();
    for (const record of result.records) {
      const matched = this.c.filter ? this.c.filter(record.filterSubject()) : true;
      if (!matched) this.m.recordsFiltered += 1;
      this.buffer.push({ record, matched, readAt });
      if (record.arrivalMs > this.latestArrivalSeen) this.latestArrivalSeen = record.arrivalMs;
    }
    this.m.recordsRead += result.records.length;
    this.m.millisBehindLatest = result.millisBehindLatest;
    this.lastPollCaughtUp = result.caughtUp;
    this.ended = result.ended;
    if (result.caughtUp && this.buffer.length === 0) this.m.iteratorAgeMs = 0;
    // Backlog: read again soon (within 5 calls/s); idle: about once per second.
    this.nextPollAt = now + (result.records.length === 0 ? this.c.idlePollMs : this.c.minPollSpacingMs);
  }

  /** True once every record of the open window has been delivered and the window is over. */
  private windowDue(): boolean {
    const w = this.window;
    const windowMs = this.c.tumblingWindowMs;
    if (!w || windowMs === undefined) return false;
    const head = this.buffer[0];
    if (head) return windowStartOf(head.record.arrivalMs, windowMs) > w.startMs;
    if (this.ended) return true;
    if (this.latestArrivalSeen >= w.endMs) return true;
    // Lambda waits a little after the window's end before closing it (a put in flight at the end may still land).
    return this.lastPollStartedAt >= w.endMs + this.c.windowCloseDelayMs && this.lastPollCaughtUp;
  }

  /** The next batch if one is ready to go (Lambda's batching rules), else undefined. */
  private nextSpan(
    now: number,
  ): { delivered: SourceRecord[]; consumed: number; windowStart: number | undefined } | undefined {
    const head = this.buffer[0];
    if (!head) return undefined;
    const windowMs = this.c.tumblingWindowMs;
    const windowStart =
      windowMs === undefined
        ? undefined
        : this.window
        ? this.window.startMs
        : windowStartOf(head.record.arrivalMs, windowMs);
    const delivered: SourceRecord[] = [];
    let bytes = 0;
    let consumed = 0;
    let cut = false;
    for (const entry of this.buffer) {
      if (
        windowMs !== undefined &&
        windowStart !== undefined &&
        windowStartOf(entry.record.arrivalMs, windowMs) > windowStart
      ) {
        cut = true;
        break;
      }
      if (entry.matched) {
        if (
          delivered.length >= this.c.batchSize ||
          (delivered.length > 0 && bytes + entry.record.sizeBytes > this.c.maxPayloadBytes)
        ) {
          cut = true;
          break;
        }
        delivered.push(entry.record);
        bytes += entry.record.sizeBytes;
      }
      consumed += 1;
    }
    const ready =
      cut ||
      delivered.length >= this.c.batchSize ||
      delivered.length === 0 ||
      this.ended ||
      this.c.maxBatchingWindowMs === 0 ||
      now - head.readAt >= this.c.maxBatchingWindowMs;
    return ready ? { delivered, consumed, windowStart } : undefined;
  }

  private async processSpan(span: {
    delivered: SourceRecord[];
    consumed: number;
    windowStart: number | undefined;
  }): Promise<void> {
    const last = this.buffer[span.consumed - 1];
    this.buffer = this.buffer.slice(span.consumed);
    if (!last) return;
    const throughSeq = last.record.sequenceNumber;
    if (span.delivered.length === 0) {
      // Only filtered records: Lambda drops them before the function and moves on.
      this.commit(throughSeq);
      return;
    }
    const windowMs = this.c.tumblingWindowMs;
    if (windowMs !== undefined && span.windowStart !== undefined && !this.window) {
      this.window = { startMs: span.windowStart, endMs: span.windowStart + windowMs, state: {} };
    }
    const queue: Batch[] = [{ records: span.delivered, throughSeq, retries: 0, invokeCount: 0, lastError: undefined }];
    while (queue.length > 0 && !this.stopped) {
      const batch = queue[0] as Batch;
      if (await this.dropExpired(batch)) {
        if (batch.records.length === 0) {
          queue.shift();
          this.commit(batch.throughSeq);
          continue;
        }
      }
      const outcome = await this.invokeBatch(batch);
      if (outcome.kind === 'success') {
        queue.shift();
        this.m.batches += 1;
        this.noteDelivered(batch.records, outcome.response);
        this.commit(batch.throughSeq);
        await this.terminateWindowIfTooLarge();
        continue;
      }
      if (outcome.kind === 'partial' && outcome.index > 0) {
        // Checkpoint before the lowest failed record; retry from there.
        const done = batch.records.slice(0, outcome.index);
        this.noteDelivered(done, outcome.response);
        this.commit((done[done.length - 1] as SourceRecord).sequenceNumber);
        batch.records = batch.records.slice(outcome.index);
      } else if (outcome.kind === 'error' && this.c.bisectBatchOnFunctionError && batch.records.length > 1) {
        // Splitting does not consume the retry quota (Lambda developer guide).
        const half = Math.ceil(batch.records.length / 2);
        const first = batch.records.slice(0, half);
        const second = batch.records.slice(half);
        this.m.bisections += 1;
        queue.splice(
          0,
          1,
          { ...batch, records: first, throughSeq: (first[first.length - 1] as SourceRecord).sequenceNumber },
          { ...batch, records: second },
        );
        continue;
      }
      batch.retries += 1;
      if (this.c.maxRetryAttempts !== -1 && batch.retries > this.c.maxRetryAttempts) {
        queue.shift();
        await this.discard(batch.records, 'RetryAttemptsExhausted', batch.invokeCount, batch.lastError);
        this.commit(batch.throughSeq);
        continue;
      }
      this.m.retries += 1;
      await this.d.sleep(this.c.retryDelayMs, this.abort.signal);
    }
  }

  /** MaximumRecordAgeInSeconds: records older than it are discarded (to OnFailure) instead of invoked. */
  private async dropExpired(batch: Batch): Promise<boolean> {
    if (this.c.maxRecordAgeMs < 0) return false;
    const now = this.d.now();
    let n = 0;
    while (n < batch.records.length && now - (batch.records[n] as SourceRecord).arrivalMs > this.c.maxRecordAgeMs)
      n += 1;
    if (n === 0) return false;
    await this.discard(batch.records.slice(0, n), 'RecordAgeExceeded', batch.invokeCount, batch.lastError);
    batch.records = batch.records.slice(n);
    return true;
  }

  private noteDelivered(records: readonly SourceRecord[], response: unknown): void {
    this.m.recordsDelivered += records.length;
    const w = this.window;
    if (!w || records.length === 0) return;
    const first = records[0] as SourceRecord;
    const last = records[records.length - 1] as SourceRecord;
    w.state = returnedState(response);
    w.firstSequenceNumber ??= first.sequenceNumber;
    w.firstArrivalMs ??= first.arrivalMs;
    w.lastSequenceNumber = last.sequenceNumber;
    w.lastArrivalMs = last.arrivalMs;
  }

  private async invokeBatch(batch: Batch): Promise<Outcome> {
    const records = batch.records;
    const event = this.eventFor(
      records.map((r) => r.eventRecord),
      false,
      false,
    );
    const newest = records[records.length - 1] as SourceRecord;
    this.m.iteratorAgeMs = Math.max(0, this.d.now() - newest.arrivalMs);
    batch.invokeCount += 1;
    this.m.invocations += 1;
    const started = this.d.now();
    try {
      const response = await this.d.invoke(event);
      const verdict = batchVerdict(
        response,
        records.map((r) => r.sequenceNumber),
        this.c.reportBatchItemFailures,
      );
      this.d.emit?.({
        type: 'invoke',
        shardId: this.d.shardId,
        records: records.length,
        final: false,
        durationMs: this.d.now() - started,
      });
      if (verdict.kind === 'success') return { kind: 'success', response };
      this.m.partialFailures += 1;
      batch.lastError = undefined;
      // A malformed failure list fails the whole batch (no bisecting: the function did not error).
      return { kind: 'partial', index: verdict.kind === 'partial' ? verdict.index : 0, response };
    } catch (thrown) {
      const error = toError(thrown);
      this.m.functionErrors += 1;
      batch.lastError = 'Unhandled';
      this.d.emit?.({
        type: 'invoke',
        shardId: this.d.shardId,
        records: records.length,
        final: false,
        durationMs: this.d.now() - started,
        error,
      });
      return { kind: 'error', error };
    }
  }

  /** The event Lambda sends: `{ Records }`, plus the window fields with tumbling windows. */
  private eventFor(records: object[], final: boolean, terminatedEarly: boolean): object {
    const w = this.window;
    if (!w) return { Records: records };
    return {
      Records: records,
      window: { start: new Date(w.startMs).toISOString(), end: new Date(w.endMs).toISOString() },
      state: w.state,
      shardId: this.d.shardId,
      eventSourceARN: this.d.source.arn,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: terminatedEarly,
    };
  }

  /** Lambda ends a window early once its state passes 1 MB. */
  private async terminateWindowIfTooLarge(): Promise<void> {
    const w = this.window;
    if (!w) return;
    const size = Buffer.byteLength(JSON.stringify(w.state) ?? '', 'utf8');
    if (size > this.c.maxStateBytes) await this.finishWindow(true);
  }

  /** The final invocation of a window (no records), retried with the same state until it succeeds or retries run out. */
  private async finishWindow(terminatedEarly: boolean): Promise<void> {
    const w = this.window;
    if (!w) return;
    let retries = 0;
    let invokeCount = 0;
    let closed = false;
    while (!this.stopped && !closed) {
      const event = this.eventFor([], true, terminatedEarly);
      invokeCount += 1;
      this.m.invocations += 1;
      const started = this.d.now();
      try {
        await this.d.invoke(event);
        this.d.emit?.({
          type: 'invoke',
          shardId: this.d.shardId,
          records: 0,
          final: true,
          durationMs: this.d.now() - started,
        });
        closed = true;
      } catch (thrown) {
        this.m.functionErrors += 1;
        this.d.emit?.({
          type: 'invoke',
          shardId: this.d.shardId,
          records: 0,
          final: true,
          durationMs: this.d.now() - started,
          error: toError(thrown),
        });
        retries += 1;
        const expired =
          this.c.maxRecordAgeMs >= 0 && this.d.now() - (w.lastArrivalMs ?? w.endMs) > this.c.maxRecordAgeMs;
        if (expired || (this.c.maxRetryAttempts !== -1 && retries > this.c.maxRetryAttempts)) {
          await this.discardWindow(w, expired ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted', invokeCount);
          closed = true;
        } else {
          this.m.retries += 1;
          await this.d.sleep(this.c.retryDelayMs, this.abort.signal);
        }
      }
    }
    // Stopped before the final invocation succeeded: the window stays in the checkpoint and closes after a restart.
    if (!closed) return;
    this.window = undefined;
    this.m.windowsClosed += 1;
    if (terminatedEarly) this.m.windowsTerminatedEarly += 1;
    if (this.committedSeq !== undefined) this.commit(this.committedSeq);
  }

  private commit(sequenceNumber: string): void {
    // An invocation that outlived stop()'s grace period commits nothing.
    if (this.abandoned) return;
    this.committedSeq = sequenceNumber;
    const w = this.window;
    const window: WindowCheckpoint | undefined = w ? { ...w } : undefined;
    const checkpoint: ShardCheckpoint = {
      position: { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber },
      ...(window ? { window } : {}),
    };
    this.m.lastCheckpoint = sequenceNumber;
    this.d.saveCheckpoint(checkpoint);
    this.d.emit?.({ type: 'checkpoint', shardId: this.d.shardId, checkpoint });
  }

  private batchInfo(
    first: { seq: string; arrivalMs: number },
    last: { seq: string; arrivalMs: number },
    batchSize: number,
  ): BatchInfo {
    return {
      shardId: this.d.shardId,
      startSequenceNumber: first.seq,
      endSequenceNumber: last.seq,
      approximateArrivalOfFirstRecord: new Date(first.arrivalMs).toISOString(),
      approximateArrivalOfLastRecord: new Date(last.arrivalMs).toISOString(),
      batchSize,
      streamArn: this.d.source.arn,
    };
  }

  private async send(
    info: BatchInfo,
    condition: DiscardCondition,
    invokeCount: number,
    functionError: string | undefined,
  ): Promise<void> {
    const message: FailureMessage = {
      requestContext: {
        requestId: randomUUID(),
        functionArn: this.d.functionArn,
        condition,
        approximateInvokeCount: invokeCount,
      },
      ...(invokeCount > 0
        ? {
            responseContext: {
              statusCode: 200,
              executedVersion: '$LATEST',
              ...(functionError ? { functionError } : {}),
            },
          }
        : {}),
      version: '1.0',
      timestamp: new Date(this.d.now()).toISOString(),
      ...(this.d.source.kind === 'kinesis' ? { KinesisBatchInfo: info } : { DDBStreamBatchInfo: info }),
    };
    this.m.discardedBatches += 1;
    this.m.discardedRecords += info.batchSize;
    await this.d.onFailure(message);
    this.d.emit?.({ type: 'discard', shardId: this.d.shardId, message });
  }

  /** Sends the metadata of a discarded batch to the OnFailure destination (never the records themselves). */
  private async discard(
    records: readonly SourceRecord[],
    condition: DiscardCondition,
    invokeCount: number,
    functionError: string | undefined,
  ): Promise<void> {
    const first = records[0];
    const last = records[records.length - 1];
    if (!first || !last) return;
    const info = this.batchInfo(
      { seq: first.sequenceNumber, arrivalMs: first.arrivalMs },
      { seq: last.sequenceNumber, arrivalMs: last.arrivalMs },
      records.length,
    );
    await this.send(info, condition, invokeCount, functionError);
  }

  private async discardWindow(w: OpenWindow, condition: DiscardCondition, invokeCount: number): Promise<void> {
    const firstSeq = w.firstSequenceNumber ?? this.committedSeq ?? '';
    const lastSeq = w.lastSequenceNumber ?? firstSeq;
    const info = this.batchInfo(
      { seq: firstSeq, arrivalMs: w.firstArrivalMs ?? w.startMs },
      { seq: lastSeq, arrivalMs: w.lastArrivalMs ?? w.startMs },
      0,
    );
    await this.send(info, condition, invokeCount, 'Unhandled');
  }
}
