/**
 * One event-source mapping: a function reading a stream, one ShardProcessor
 * per shard (Lambda processes each shard with its own poller, in order), new
 * shards picked up as they appear (children only after their parent is done).
 */
import { EventEmitter } from 'node:events';
import type { Context } from 'aws-lambda';
import type { CheckpointStore } from './checkpointStore.js';
import { FunctionTimeoutError, PollerAccessDeniedError } from './errors.js';
import { toError } from '../../lib/toError.js';
import type { FailureQueue } from './failureQueue.js';
import type { EventSourceMappingSettings } from './mappingSettings.js';
import { functionArn, lambdaContext } from './lambdaContext.js';
import type { ProcessorConfig } from './processorConfig.js';
import { processorConfigFrom } from './processorConfig.js';
import { ShardProcessor } from './shardProcessor.js';
import { abortableSleep } from './sleep.js';
import type { MappingEvent, ShardMetrics, ShardSource, StartPosition } from './types.js';
import { authorizePollerCall, checkExecutionRole, type ExecutionRole } from './executionRole.js';

/** A Lambda handler as the functions export it. */
export type LambdaHandler = (event: never, context: Context) => unknown;

export interface EventSourceMappingOptions {
  /** Names the mapping in checkpoints and metrics (e.g. the function name). */
  id: string;
  functionName: string;
  handler: LambdaHandler;
  source: ShardSource;
  settings: EventSourceMappingSettings;
  checkpoints: CheckpointStore;
  /** OnFailure destination; discarded batches are only counted when absent. */
  onFailure?: FailureQueue;
  region: string;
  accountId: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  /** Poller overrides (tests, the benchmark). */
  overrides?: Partial<ProcessorConfig>;
  /** How often new shards are looked for; default 10 s. */
  shardRefreshMs?: number;
  now?: () => number;
  /**
   * The function's execution role: checked, as CreateEventSourceMapping
   * checks it, before anything is read (executionRole.ts), and on every
   * SendMessage to the OnFailure queue (the source checks its own reads with
   * the role it was given). Without it, nothing is checked.
   */
  executionRole?: ExecutionRole;
}

export interface MappingMetrics {
  id: string;
  functionName: string;
  eventSourceArn: string;
  shards: ShardMetrics[];
  /** The largest iterator age over the shards (what the IteratorAge alarm watches). */
  iteratorAgeMs: number;
  deadLetterMessages: number;
  /**
   * As GetEventSourceMapping reports them. A stream mapping stays Enabled
   * through errors (Lambda retries what it cannot read or invoke until the
   * records expire); only a user disables it.
   */
  state: 'Enabled';
  stateTransitionReason: 'User action';
  /**
   * The last processing attempt: "No records processed" before the first,
   * "OK", "PROBLEM: Function call failed", or "PROBLEM: " with the error of a
   * read or OnFailure send that failed (a denied call: AccessDeniedException
   * and IAM's message).
   */
  lastProcessingResult: string;
}

/** LastProcessingResult after `e` (unchanged by events that are no processing attempt). */
function processingResultAfter(e: MappingEvent, previous: string): string {
  switch (e.type) {
    case 'invoke':
      return e.error ? 'PROBLEM: Function call failed' : 'OK';
    case 'readError':
    case 'destinationError':
      return e.error instanceof PollerAccessDeniedError
        ? `PROBLEM: ${e.error.code}: ${e.error.message}`
        : `PROBLEM: ${e.error.message}`;
    case 'discard':
    case 'checkpoint':
      return previous;
  }
}

export interface RunningMapping {
  readonly id: string;
  /** Emits 'event' with every MappingEvent (invoke, discard, readError, checkpoint). */
  readonly events: EventEmitter;
  metrics(): MappingMetrics;
  /** Stops every poller (an invocation in flight finishes) and writes the checkpoints. */
  stop(): Promise<void>;
}

function initialPosition(settings: EventSourceMappingSettings, atTimestampMs: number | undefined): StartPosition {
  if (atTimestampMs !== undefined) return { type: 'AT_TIMESTAMP', timestampMs: atTimestampMs };
  return { type: settings.startingPosition };
}

/** Calls the handler with a Lambda-like context, failing it after the function timeout as Lambda does. */
function invoker(o: EventSourceMappingOptions, timeoutMs: number, now: () => number) {
  const identity = {
    functionName: o.functionName,
    region: o.region,
    accountId: o.accountId,
    memoryMb: o.memoryMb ?? 128,
    timeoutMs,
  };
  return async (event: object): Promise<unknown> => {
    const context = lambdaContext(identity, now);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new FunctionTimeoutError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`)),
        timeoutMs,
      );
    });
    try {
      const run = Promise.resolve().then(() => o.handler(event as never, context));
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Starts a mapping. With StartingPosition LATEST and no checkpoint, a Kinesis
 * shard starts AT_TIMESTAMP of this moment, and that position is saved, so a
 * restart before any record arrived still reads what was put in between.
 */
export async function startEventSourceMapping(o: EventSourceMappingOptions): Promise<RunningMapping> {
  if (o.executionRole) checkExecutionRole(o.source.kind, o.source.arn, o.executionRole);
  const now = o.now ?? Date.now;
  const timeoutMs = (o.timeoutSeconds ?? 60) * 1000;
  const config = processorConfigFrom(o.settings, { timeoutMs, ...o.overrides });
  const events = new EventEmitter();
  const processors = new Map<string, { processor: ShardProcessor; done: Promise<void>; ended: boolean }>();
  const fnArn = functionArn({ functionName: o.functionName, region: o.region, accountId: o.accountId });
  const invoke = invoker(o, timeoutMs, now);
  const abort = new AbortController();
  const startedAt = now();
  let lastProcessingResult = 'No records processed';
  const emit = (e: MappingEvent): void => {
    lastProcessingResult = processingResultAfter(e, lastProcessingResult);
    events.emit('event', e);
  };
  const onFailure = o.onFailure;

  const startShard = async (shardId: string, isChild: boolean): Promise<void> => {
    let initial = o.checkpoints.get(o.id, shardId);
    if (!initial) {
      // Children of a finished shard are read from their start (Lambda keeps order across resharding).
      const atTimestamp =
        o.settings.startingPosition === 'LATEST' && o.source.kind === 'kinesis' && !isChild ? startedAt : undefined;
      const position = isChild ? ({ type: 'TRIM_HORIZON' } as const) : initialPosition(o.settings, atTimestamp);
      initial = { position };
      if (position.type === 'AT_TIMESTAMP') o.checkpoints.put(o.id, shardId, initial);
    }
    const reader = await o.source.openShard(shardId, initial.position);
    const processor = new ShardProcessor({
      shardId,
      source: { kind: o.source.kind, arn: o.source.arn },
      functionArn: fnArn,
      reader,
      invoke,
      config,
      initial,
      saveCheckpoint: (cp) => o.checkpoints.put(o.id, shardId, cp),
      onFailure: async (message) => {
        if (!onFailure) return;
        if (onFailure.arn !== undefined) authorizePollerCall(o.executionRole, 'sqs:SendMessage', onFailure.arn);
        await onFailure.send(message);
      },
      now,
      sleep: abortableSleep,
      emit,
    });
    const entry = { processor, done: Promise.resolve(), ended: false };
    entry.done = processor.start().then(() => {
      entry.ended = processor.metrics().status === 'ended';
    });
    processors.set(shardId, entry);
  };

  const refresh = async (): Promise<void> => {
    const shards = await o.source.listShards();
    const known = new Set(shards.map((s) => s.shardId));
    for (const s of shards) {
      if (processors.has(s.shardId)) continue;
      const parent = s.parentShardId !== undefined && known.has(s.parentShardId) ? s.parentShardId : undefined;
      if (parent !== undefined) {
        const p = processors.get(parent);
        if (!p?.ended) continue;
      }
      await startShard(s.shardId, parent !== undefined);
    }
  };

  await refresh();
  const refreshLoop = (async () => {
    while (!abort.signal.aborted) {
      await abortableSleep(o.shardRefreshMs ?? 10_000, abort.signal);
      if (abort.signal.aborted) break;
      try {
        await refresh();
      } catch (error) {
        emit({ type: 'readError', shardId: '*', error: toError(error) });
      }
    }
  })();

  return {
    id: o.id,
    events,
    metrics(): MappingMetrics {
      const shards = [...processors.values()].map((p) => p.processor.metrics());
      return {
        id: o.id,
        functionName: o.functionName,
        eventSourceArn: o.source.arn,
        shards,
        iteratorAgeMs: shards.reduce((max, s) => Math.max(max, s.iteratorAgeMs), 0),
        deadLetterMessages: o.onFailure?.messages().length ?? shards.reduce((n, s) => n + s.discardedBatches, 0),
        state: 'Enabled',
        stateTransitionReason: 'User action',
        lastProcessingResult,
      };
    },
    async stop(): Promise<void> {
      abort.abort();
      await refreshLoop;
      await Promise.all([...processors.values()].map((p) => p.processor.stop()));
      await o.checkpoints.flush();
    },
  };
}
