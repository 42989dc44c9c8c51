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
 *   invocation retried with the same state;
 * - an OnFailure destination that refuses the metadata (the role may no
 *   longer send to it) holds the shard: the batch is committed only once its
 *   metadata is sent, so nothing is skipped without a record.
 */
import { toError } from '../../lib/toError.js';
import { batchVerdict } from './batchResponse.js';
import { failureMessage, spanOf, type RecordSpan } from './failureMessage.js';
import { nextBatch, type BufferedRecord, type ReadyBatch } from './nextBatch.js';
import type { ProcessorConfig } from './processorConfig.js';
import { emptyMetrics } from './shardMetrics.js';
import {
  invocationEvent,
  noteWindowDelivery,
  windowStartOf,
  windowStateTooLarge,
  type OpenWindow,
} from './tumblingWindow.js';
import type {
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

/** A batch on its way through retries and bisection. */
interface Batch {
  records: SourceRecord[];
  /** Sequence number to checkpoint when the batch is done (filtered records after it included). */
  throughSeq: string;
  retries: number;
  invokeCount: number;
  lastError: 'Unhandled' | undefined;
}

type Outcome =
  | { kind: 'success'; response: unknown }
  | { kind: 'partial'; index: number; response: unknown }
  | { kind: 'error'; error: Error };

export class ShardProcessor {
  private readonly deps: ShardProcessorDeps;
  private readonly config: ProcessorConfig;
  private readonly figures: ShardMetrics;
  private buffer: BufferedRecord[] = [];
  private window: OpenWindow | undefined;
  private committedSeq: string | undefined;
  private lastPollStartedAt = Number.NEGATIVE_INFINITY;
  private lastPollCaughtUp = false;
  private nextPollAt = 0;
  private latestArrivalSeen = Number.NEGATIVE_INFINITY;
  private ended = false;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private abandoned = false;

  constructor(deps: ShardProcessorDeps) {
    this.deps = deps;
    this.config = deps.config;
    this.figures = emptyMetrics(deps.shardId);
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
    if (this.figures.status === 'running') this.figures.status = 'stopped';
  }

  metrics(): ShardMetrics {
    return { ...this.figures };
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        const done = await this.step();
        if (done) {
          this.figures.status = 'ended';
          return;
        }
      } catch (error) {
        // A failed read (emulator restarting, expired iterator): Lambda's poller keeps retrying.
        this.deps.emit?.({ type: 'readError', shardId: this.deps.shardId, error: toError(error) });
        await this.deps.sleep(this.config.idlePollMs, this.abort.signal);
      }
    }
  }

  /** One decision of the poller; true once the shard is finished. */
  private async step(): Promise<boolean> {
    const now = this.deps.now();
    if (this.window && this.windowDue()) {
      await this.finishWindow(false);
      return false;
    }
    const ready = nextBatch(this.config, {
      buffer: this.buffer,
      openWindowStart: this.window?.startMs,
      ended: this.ended,
      now,
    });
    if (ready) {
      await this.process(ready);
      return false;
    }
    if (this.ended && this.buffer.length === 0 && !this.window) return true;
    const pollAt = this.pollAt();
    if (this.ended || now < pollAt) {
      await this.deps.sleep(Math.max(1, Math.min(this.wakeAt(pollAt) - now, 1000)), this.abort.signal);
      return false;
    }
    await this.poll(now);
    return false;
  }

  /** When the next GetRecords may run. */
  private pollAt(): number {
    // Keep the buffer bounded: consume before reading more.
    if (this.buffer.length >= Math.max(this.config.batchSize, this.config.readLimit) * 2)
      return Number.POSITIVE_INFINITY;
    let at = this.nextPollAt;
    // A window can only close after a read that started once it ended (so every record of it was seen).
    if (this.window && this.lastPollStartedAt < this.window.endMs + this.config.windowCloseDelayMs) {
      at = Math.min(
        at,
        Math.max(
          this.window.endMs + this.config.windowCloseDelayMs,
          this.lastPollStartedAt + this.config.minPollSpacingMs,
        ),
      );
    }
    return at;
  }

  /** The earliest moment something may change: the next poll or the end of the batching window. */
  private wakeAt(pollAt: number): number {
    let at = pollAt;
    const head = this.buffer[0];
    if (head && this.config.maxBatchingWindowMs > 0) at = Math.min(at, head.readAt + this.config.maxBatchingWindowMs);
    return at;
  }

  private async poll(now: number): Promise<void> {
    const result = await this.deps.reader.read(this.config.readLimit);
    // Only a read that succeeded counts: a failed one (denied, emulator away) saw nothing of the window.
    this.lastPollStartedAt = now;
    const readAt = this.deps.now();
    for (const record of result.records) {
      const matched = this.config.filter ? this.config.filter(record.filterSubject()) : true;
      if (!matched) this.figures.recordsFiltered += 1;
      this.buffer.push({ record, matched, readAt });
      if (record.arrivalMs > this.latestArrivalSeen) this.latestArrivalSeen = record.arrivalMs;
    }
    this.figures.recordsRead += result.records.length;
    this.figures.millisBehindLatest = result.millisBehindLatest;
    this.lastPollCaughtUp = result.caughtUp;
    this.ended = result.ended;
    if (result.caughtUp && this.buffer.length === 0) this.figures.iteratorAgeMs = 0;
    // Backlog: read again soon (within 5 calls/s); idle: about once per second.
    this.nextPollAt = now + (result.records.length === 0 ? this.config.idlePollMs : this.config.minPollSpacingMs);
  }

  /** True once every record of the open window has been delivered and the window is over. */
  private windowDue(): boolean {
    const w = this.window;
    const windowMs = this.config.tumblingWindowMs;
    if (!w || windowMs === undefined) return false;
    const head = this.buffer[0];
    if (head) return windowStartOf(head.record.arrivalMs, windowMs) > w.startMs;
    if (this.ended) return true;
    if (this.latestArrivalSeen >= w.endMs) return true;
    // Lambda waits a little after the window's end before closing it (a put in flight at the end may still land).
    return this.lastPollStartedAt >= w.endMs + this.config.windowCloseDelayMs && this.lastPollCaughtUp;
  }

  /** Delivers a batch until it succeeds, is bisected away, expires or runs out of retries. */
  private async process(ready: ReadyBatch): Promise<void> {
    const last = this.buffer[ready.consumed - 1];
    this.buffer = this.buffer.slice(ready.consumed);
    if (!last) return;
    const throughSeq = last.record.sequenceNumber;
    if (ready.delivered.length === 0) {
      // Only filtered records: Lambda drops them before the function and moves on.
      this.commit(throughSeq);
      return;
    }
    const windowMs = this.config.tumblingWindowMs;
    if (windowMs !== undefined && ready.windowStart !== undefined && !this.window) {
      this.window = { startMs: ready.windowStart, endMs: ready.windowStart + windowMs, state: {} };
    }
    const queue: Batch[] = [{ records: ready.delivered, throughSeq, retries: 0, invokeCount: 0, lastError: undefined }];
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
        this.figures.batches += 1;
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
      } else if (outcome.kind === 'error' && this.config.bisectBatchOnFunctionError && batch.records.length > 1) {
        // Splitting does not consume the retry quota (Lambda developer guide).
        const half = Math.ceil(batch.records.length / 2);
        const first = batch.records.slice(0, half);
        const second = batch.records.slice(half);
        this.figures.bisections += 1;
        queue.splice(
          0,
          1,
          { ...batch, records: first, throughSeq: (first[first.length - 1] as SourceRecord).sequenceNumber },
          { ...batch, records: second },
        );
        continue;
      }
      batch.retries += 1;
      if (this.config.maxRetryAttempts !== -1 && batch.retries > this.config.maxRetryAttempts) {
        queue.shift();
        await this.discard(batch.records, 'RetryAttemptsExhausted', batch.invokeCount, batch.lastError);
        this.commit(batch.throughSeq);
        continue;
      }
      this.figures.retries += 1;
      await this.deps.sleep(this.config.retryDelayMs, this.abort.signal);
    }
  }

  /** MaximumRecordAgeInSeconds: records older than it are discarded (to OnFailure) instead of invoked. */
  private async dropExpired(batch: Batch): Promise<boolean> {
    if (this.config.maxRecordAgeMs < 0) return false;
    const now = this.deps.now();
    let n = 0;
    while (n < batch.records.length && now - (batch.records[n] as SourceRecord).arrivalMs > this.config.maxRecordAgeMs)
      n += 1;
    if (n === 0) return false;
    await this.discard(batch.records.slice(0, n), 'RecordAgeExceeded', batch.invokeCount, batch.lastError);
    batch.records = batch.records.slice(n);
    return true;
  }

  private noteDelivered(records: readonly SourceRecord[], response: unknown): void {
    this.figures.recordsDelivered += records.length;
    if (this.window) noteWindowDelivery(this.window, records, response);
  }

  private async invokeBatch(batch: Batch): Promise<Outcome> {
    const records = batch.records;
    const event = this.eventFor(records.map((r) => r.eventRecord));
    const newest = records[records.length - 1] as SourceRecord;
    this.figures.iteratorAgeMs = Math.max(0, this.deps.now() - newest.arrivalMs);
    batch.invokeCount += 1;
    this.figures.invocations += 1;
    const started = this.deps.now();
    try {
      const response = await this.deps.invoke(event);
      const verdict = batchVerdict(
        response,
        records.map((r) => r.sequenceNumber),
        this.config.reportBatchItemFailures,
      );
      this.emitInvoke(records.length, false, started);
      if (verdict.kind === 'success') return { kind: 'success', response };
      this.figures.partialFailures += 1;
      batch.lastError = undefined;
      // A malformed failure list fails the whole batch (no bisecting: the function did not error).
      return { kind: 'partial', index: verdict.kind === 'partial' ? verdict.index : 0, response };
    } catch (thrown) {
      const error = toError(thrown);
      this.figures.functionErrors += 1;
      batch.lastError = 'Unhandled';
      this.emitInvoke(records.length, false, started, error);
      return { kind: 'error', error };
    }
  }

  /** Tells the listener of one invocation that began at `started` (`final`: a window's closing one, without records). */
  private emitInvoke(records: number, final: boolean, started: number, error?: Error): void {
    this.deps.emit?.({
      type: 'invoke',
      shardId: this.deps.shardId,
      records,
      final,
      durationMs: this.deps.now() - started,
      ...(error === undefined ? {} : { error }),
    });
  }

  private eventFor(records: object[], flags?: { final: boolean; terminatedEarly: boolean }): object {
    return invocationEvent(
      records,
      this.window,
      { shardId: this.deps.shardId, eventSourceArn: this.deps.source.arn },
      flags,
    );
  }

  /** Lambda ends a window early once its state passes 1 MB. */
  private async terminateWindowIfTooLarge(): Promise<void> {
    if (this.window && windowStateTooLarge(this.window, this.config.maxStateBytes)) await this.finishWindow(true);
  }

  /** The final invocation of a window (no records), retried with the same state until it succeeds or retries run out. */
  private async finishWindow(terminatedEarly: boolean): Promise<void> {
    const w = this.window;
    if (!w) return;
    let retries = 0;
    let invokeCount = 0;
    let closed = false;
    while (!this.stopped && !closed) {
      const event = this.eventFor([], { final: true, terminatedEarly });
      invokeCount += 1;
      this.figures.invocations += 1;
      const started = this.deps.now();
      try {
        await this.deps.invoke(event);
        this.emitInvoke(0, true, started);
        closed = true;
      } catch (thrown) {
        this.figures.functionErrors += 1;
        this.emitInvoke(0, true, started, toError(thrown));
        retries += 1;
        const expired =
          this.config.maxRecordAgeMs >= 0 &&
          this.deps.now() - (w.lastArrivalMs ?? w.endMs) > this.config.maxRecordAgeMs;
        if (expired || (this.config.maxRetryAttempts !== -1 && retries > this.config.maxRetryAttempts)) {
          await this.discardWindow(w, expired ? 'RecordAgeExceeded' : 'RetryAttemptsExhausted', invokeCount);
          closed = true;
        } else {
          this.figures.retries += 1;
          await this.deps.sleep(this.config.retryDelayMs, this.abort.signal);
        }
      }
    }
    // Stopped before the final invocation succeeded: the window stays in the checkpoint and closes after a restart.
    if (!closed) return;
    this.window = undefined;
    this.figures.windowsClosed += 1;
    if (terminatedEarly) this.figures.windowsTerminatedEarly += 1;
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
    this.figures.lastCheckpoint = sequenceNumber;
    this.deps.saveCheckpoint(checkpoint);
    this.deps.emit?.({ type: 'checkpoint', shardId: this.deps.shardId, checkpoint });
  }

  /** Sends the metadata of a discarded batch to the OnFailure destination. */
  private async send(
    span: RecordSpan,
    condition: DiscardCondition,
    invokeCount: number,
    functionError: string | undefined,
  ): Promise<void> {
    const message: FailureMessage = failureMessage(
      { span, condition, invokeCount, functionError },
      { ...this.deps.source, shardId: this.deps.shardId, functionArn: this.deps.functionArn },
      this.deps.now(),
    );
    for (;;) {
      try {
        await this.deps.onFailure(message);
        break;
      } catch (thrown) {
        this.deps.emit?.({ type: 'destinationError', shardId: this.deps.shardId, error: toError(thrown) });
        await this.deps.sleep(this.config.retryDelayMs, this.abort.signal);
        if (this.stopped) {
          // Never sent: nothing after it may be committed, so a restart discards the batch again.
          this.abandoned = true;
          return;
        }
      }
    }
    this.figures.discardedBatches += 1;
    this.figures.discardedRecords += span.batchSize;
    this.deps.emit?.({ type: 'discard', shardId: this.deps.shardId, message });
  }

  private async discard(
    records: readonly SourceRecord[],
    condition: DiscardCondition,
    invokeCount: number,
    functionError: string | undefined,
  ): Promise<void> {
    const span = spanOf(records);
    if (span) await this.send(span, condition, invokeCount, functionError);
  }

  /** A window whose final invocation never succeeded: its span, zero records (they were delivered already). */
  private async discardWindow(w: OpenWindow, condition: DiscardCondition, invokeCount: number): Promise<void> {
    const firstSeq = w.firstSequenceNumber ?? this.committedSeq ?? '';
    const span: RecordSpan = {
      first: { sequenceNumber: firstSeq, arrivalMs: w.firstArrivalMs ?? w.startMs },
      last: { sequenceNumber: w.lastSequenceNumber ?? firstSeq, arrivalMs: w.lastArrivalMs ?? w.startMs },
      batchSize: 0,
    };
    await this.send(span, condition, invokeCount, 'Unhandled');
  }
}
