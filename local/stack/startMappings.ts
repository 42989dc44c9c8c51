/**
 * The functions, in-process, behind their event-source mappings: the
 * environment the CDK stack gives them, checkpoints that survive a restart
 * (unless in memory), dead-letter queues, and their errors on the terminal.
 */
import path from 'node:path';
import { fileCheckpointStore, memoryCheckpointStore } from '../esm/checkpointStore.js';
import type { LambdaHandler } from '../esm/eventSourceMapping.js';
import type { LocalCredentials } from '../credentials.js';
import type { ProcessorConfig } from '../esm/processorConfig.js';
import type { StackClients } from './clients.js';
import {
  applyFunctionEnvironment,
  functionEnvironment,
  ownFunctionEnvironment,
  type FunctionName,
} from './functionEnv.js';
import { withOwnEnvironment } from '../esm/ownEnvironment.js';
import type { StackIam } from './stackIam.js';
import { logMappingEvents } from './mappingLog.js';
import { startStackMappings, type StackMapping } from './stackMappings.js';

export interface MappingsOptions {
  readonly handlers: Readonly<Record<FunctionName, LambdaHandler>>;
  /** Wraps each handler (tests observe deliveries this way; the function itself still runs). */
  readonly wrapHandler?: (name: FunctionName, handler: LambdaHandler) => LambdaHandler;
  readonly clients: StackClients;
  readonly dynamodb: { readonly endpoint: string; readonly tableName: string; readonly streamArn: string };
  readonly kinesis: { readonly endpoint: string; readonly streamName: string; readonly streamArn: string };
  readonly graphqlUrl: string;
  /** The stack's IAM key pair, the functions' execution-role keys. */
  readonly credentials: LocalCredentials;
  readonly raceSeconds: number;
  readonly windowSeconds: number;
  /** Riders a class's race admits (MAX_RIDERS). */
  readonly maxRiders: number;
  /** Where checkpoints and dead letters are kept; undefined: in memory. */
  readonly dataDir: string | undefined;
  readonly overrides?: Partial<ProcessorConfig>;
  readonly log: (line: string) => void;
  /** The functions' role sessions and the checked DynamoDB endpoint; without it they share the stack's keys. */
  readonly iam?: StackIam;
}

export interface RunningMappings {
  readonly mappings: StackMapping[];
  /** The handlers as the mappings call them (wrapped, if asked). */
  readonly handlers: Readonly<Record<FunctionName, LambdaHandler>>;
  stop(): Promise<void>;
}

export async function startMappings(o: MappingsOptions): Promise<RunningMappings> {
  applyFunctionEnvironment(
    functionEnvironment({
      tableName: o.dynamodb.tableName,
      graphqlUrl: o.graphqlUrl,
      raceSeconds: o.raceSeconds,
      windowSeconds: o.windowSeconds,
      maxRiders: o.maxRiders,
      dynamodbEndpoint: o.dynamodb.endpoint,
      kinesisEndpoint: o.kinesis.endpoint,
      credentials: o.credentials,
    }),
  );
  const handlers = { ...o.handlers };
  const iam = o.iam;
  if (iam) {
    for (const name of Object.keys(handlers) as FunctionName[]) {
      handlers[name] = withOwnEnvironment(
        ownFunctionEnvironment(name, iam.functions[name], iam.dynamodb.endpoint),
        handlers[name],
      );
    }
  }
  const wrap = o.wrapHandler;
  if (wrap) for (const name of Object.keys(handlers) as FunctionName[]) handlers[name] = wrap(name, handlers[name]);
  const checkpoints = o.dataDir
    ? fileCheckpointStore(path.join(o.dataDir, 'checkpoints.json'))
    : memoryCheckpointStore();
  const mappings = await startStackMappings({
    handlers,
    kinesis: o.clients.kinesis,
    kinesisJson: o.clients.kinesisJson,
    streams: o.clients.streams,
    streamName: o.kinesis.streamName,
    streamArn: o.kinesis.streamArn,
    tableStreamArn: o.dynamodb.streamArn,
    windowSeconds: o.windowSeconds,
    checkpoints,
    dlqDir: o.dataDir ? path.join(o.dataDir, 'dead-letters') : undefined,
    ...(o.overrides ? { overrides: o.overrides } : {}),
    ...(iam
      ? {
          executionRoles: {
            aggregator: iam.executionRole('aggregator'),
            finalizer: iam.executionRole('finalizer'),
            allTime: iam.executionRole('allTime'),
          },
        }
      : {}),
  });
  logMappingEvents(mappings, o.log);
  return {
    mappings,
    handlers,
    async stop() {
      await Promise.all(mappings.map((m) => m.mapping.stop()));
      await checkpoints.flush();
    },
  };
}
