/** The local event-source-mapping runtime (Lambda's pollers for Kinesis and DynamoDB Streams). */
export { startEventSourceMapping } from './eventSourceMapping.js';
export type { EventSourceMappingOptions, LambdaHandler, MappingMetrics, RunningMapping } from './eventSourceMapping.js';
export { kinesisSource, toKinesisEventRecord } from './kinesisSource.js';
export type { KinesisEventRecord } from './kinesisSource.js';
export { dynamoDbSource, toDynamoDbEventRecord } from './dynamodbSource.js';
export { fileCheckpointStore, memoryCheckpointStore } from './checkpointStore.js';
export type { CheckpointStore } from './checkpointStore.js';
export { failureQueue } from './failureQueue.js';
export type { FailureQueue } from './failureQueue.js';
export { compileFilterCriteria, compileFilterPattern } from './filterPattern.js';
export { processorConfigFrom, LAMBDA_LIMITS } from './processorConfig.js';
export type { ProcessorConfig } from './processorConfig.js';
export { ShardProcessor } from './shardProcessor.js';
export { windowStartOf } from './tumblingWindow.js';
export { emptyMetrics } from './shardMetrics.js';
export type * from './types.js';
export type * from './mappingSettings.js';
