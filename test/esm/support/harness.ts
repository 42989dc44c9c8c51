/** Runs a ShardProcessor over a fake shard with fast timings, recording what the function saw. */
import { processorConfigFrom, type ProcessorConfig } from '../../../local/esm/processorConfig.js';
import { ShardProcessor } from '../../../local/esm/shardProcessor.js';
import { abortableSleep } from '../../../local/esm/sleep.js';
import type { FailureMessage, ShardCheckpoint, StartPosition } from '../../../local/esm/types.js';
import type { EventSourceMappingSettings } from '../../../local/esm/mappingSettings.js';
import { FAKE_ARN, type FakeShard } from './fakeShard.js';

export const BASE_SETTINGS: EventSourceMappingSettings = {
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  startingPosition: 'TRIM_HORIZON',
  parallelizationFactor: 1,
  bisectBatchOnFunctionError: false,
  maximumRetryAttempts: 2,
  maximumRecordAgeInSeconds: -1,
};

/** Fast timings so tests do not wait for Lambda's one-second idle polls. */
export const FAST: Partial<ProcessorConfig> = {
  idlePollMs: 20,
  minPollSpacingMs: 5,
  retryDelayMs: 1,
  windowCloseDelayMs: 20,
};

export interface Harness {
  processor: ShardProcessor;
  events: Array<Record<string, unknown>>;
  failures: FailureMessage[];
  checkpoints: ShardCheckpoint[];
  stop(): Promise<void>;
}

export function runShard(
  shard: FakeShard,
  handler: (event: Record<string, unknown>) => unknown,
  opts: {
    settings?: Partial<EventSourceMappingSettings>;
    config?: Partial<ProcessorConfig>;
    initial?: ShardCheckpoint;
  } = {},
): Harness {
  const events: Array<Record<string, unknown>> = [];
  const failures: FailureMessage[] = [];
  const checkpoints: ShardCheckpoint[] = [];
  const config = processorConfigFrom({ ...BASE_SETTINGS, ...opts.settings }, { ...FAST, ...opts.config });
  const position: StartPosition = opts.initial?.position ?? { type: 'TRIM_HORIZON' };
  const processor = new ShardProcessor({
    shardId: 'shardId-000000000000',
    source: { kind: 'kinesis', arn: FAKE_ARN },
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test',
    reader: shard.reader(position),
    invoke: async (event) => {
      // A deep copy: the runtime may reuse nothing the function could mutate.
      const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
      events.push(copy);
      return handler(copy);
    },
    config,
    ...(opts.initial ? { initial: opts.initial } : {}),
    saveCheckpoint: (cp) => checkpoints.push(cp),
    onFailure: async (m) => {
      failures.push(m);
    },
    now: Date.now,
    sleep: abortableSleep,
  });
  void processor.start();
  return { processor, events, failures, checkpoints, stop: () => processor.stop() };
}

/** The sequence number the last checkpoint points after. */
export function lastCheckpointSeq(h: Harness): string | undefined {
  const p = h.checkpoints[h.checkpoints.length - 1]?.position;
  return p?.type === 'AFTER_SEQUENCE_NUMBER' ? p.sequenceNumber : undefined;
}
