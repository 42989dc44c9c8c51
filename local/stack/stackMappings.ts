/**
 * The three event-source mappings of the stack, with the settings the CDK
 * stack deploys (infra/settings.ts MAPPINGS, translated to local/esm's
 * EventSourceMapping settings; the aggregator's tumbling window from
 * --window-seconds, as infra takes it from the `windowSeconds` context).
 */
import path from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { FUNCTIONS, MAPPINGS, type MappingSettings } from '../../infra/settings.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../credentials.js';
import type { CheckpointStore } from '../esm/checkpointStore.js';
import { dynamoDbSource } from '../esm/dynamodbSource.js';
import { startEventSourceMapping, type LambdaHandler, type RunningMapping } from '../esm/eventSourceMapping.js';
import { failureQueue, type FailureQueue } from '../esm/failureQueue.js';
import { kinesisSource } from '../esm/kinesisSource.js';
import type { KinesisJsonClient } from '../esm/kinesisJsonClient.js';
import type { EventSourceMappingSettings } from '../esm/mappingSettings.js';
import type { ExecutionRole } from '../esm/executionRole.js';
import type { ProcessorConfig } from '../esm/processorConfig.js';
import type { FunctionName } from './functionEnv.js';
import { deadLetterQueueArn, deadLetterQueueName } from './deadLetterQueues.js';

export interface StackMappingsOptions {
  handlers: Partial<Record<FunctionName, LambdaHandler>>;
  kinesis: KinesisClient;
  /** GetRecords without the SDK's per-record decoding (throughput). */
  kinesisJson?: KinesisJsonClient;
  streams: DynamoDBStreamsClient;
  streamName: string;
  streamArn: string;
  tableStreamArn: string;
  windowSeconds: number;
  checkpoints: CheckpointStore;
  /** Folder of the dead-letter queues' JSON lines (undefined: in memory). */
  dlqDir: string | undefined;
  overrides?: Partial<ProcessorConfig>;
  /**
   * Each function's execution role, checked when its mapping is created and
   * on every call its pollers make (as on AWS).
   */
  executionRoles?: Partial<Record<FunctionName, ExecutionRole>>;
}

export interface StackMapping {
  name: FunctionName;
  mapping: RunningMapping;
  deadLetters: FailureQueue;
}

/** The CDK settings of a mapping in the vocabulary of AWS::Lambda::EventSourceMapping. */
export function toEventSourceMappingSettings(settings: MappingSettings): EventSourceMappingSettings {
  const { reportBatchItemFailures, filters, ...same } = settings;
  return {
    ...same,
    ...(reportBatchItemFailures ? { functionResponseTypes: ['ReportBatchItemFailures'] } : {}),
    ...(filters ? { filterCriteria: { filters } } : {}),
  };
}

/** The settings each function's mapping runs with. */
export function mappingSettingsFor(name: FunctionName, windowSeconds: number): EventSourceMappingSettings {
  const settings: MappingSettings =
    name === 'aggregator' ? { ...MAPPINGS.aggregator, tumblingWindowInSeconds: windowSeconds } : MAPPINGS[name];
  return toEventSourceMappingSettings(settings);
}

/** Starts a mapping for every handler given. */
export async function startStackMappings(o: StackMappingsOptions): Promise<StackMapping[]> {
  const out: StackMapping[] = [];
  const names: FunctionName[] = ['aggregator', 'finalizer', 'allTime'];
  for (const name of names) {
    const handler = o.handlers[name];
    if (!handler) continue;
    const executionRole = o.executionRoles?.[name];
    const withRole = executionRole ? { executionRole } : {};
    const source =
      name === 'allTime'
        ? dynamoDbSource({ client: o.streams, streamArn: o.tableStreamArn, region: LOCAL_REGION, ...withRole })
        : kinesisSource({
            client: o.kinesis,
            streamName: o.streamName,
            streamArn: o.streamArn,
            region: LOCAL_REGION,
            invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}`,
            ...(o.kinesisJson ? { json: o.kinesisJson } : {}),
            ...withRole,
          });
    const deadLetters = failureQueue(
      deadLetterQueueName(name),
      o.dlqDir ? path.join(o.dlqDir, `${name}.jsonl`) : undefined,
      deadLetterQueueArn(name, { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID }),
    );
    const mapping = await startEventSourceMapping({
      id: name,
      functionName: name,
      handler,
      source,
      settings: mappingSettingsFor(name, o.windowSeconds),
      checkpoints: o.checkpoints,
      onFailure: deadLetters,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      memoryMb: FUNCTIONS.memorySize[name],
      timeoutSeconds: FUNCTIONS.timeoutSeconds[name],
      ...(o.overrides ? { overrides: o.overrides } : {}),
      ...withRole,
    });
    out.push({ name, mapping, deadLetters });
  }
  return out;
}
