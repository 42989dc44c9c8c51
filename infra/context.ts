/**
 * Context values of the CDK app (`npx cdk deploy -c shardCount=12`), read and
 * validated in one place. Defaults come from infra/settings.ts.
 */
import type { Node } from 'constructs';
import { InfraConfigError } from './errors.js';
import { MAPPINGS, STREAM } from './settings.js';

export interface AlleycatContext {
  /** Default of the stack's ShardCount parameter. */
  readonly shardCount: number;
  /** The aggregator's tumbling window (also WINDOW_SECONDS and the iterator-age alarm). */
  readonly windowSeconds: number;
  /** SNS topic the alarms notify (context `alarmTopicArn`); none by default. */
  readonly alarmTopicArn?: string;
}

/** Context keys, as given on the command line (`-c key=value`) or in cdk.json. */
export const CONTEXT_KEYS = {
  shardCount: 'shardCount',
  windowSeconds: 'windowSeconds',
  alarmTopicArn: 'alarmTopicArn',
} as const;

function intContext(node: Node, key: string, fallback: number, min: number, max: number): number {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InfraConfigError(`Context value ${key}=${String(raw)} must be an integer in ${min}..${max}.`);
  }
  return value;
}

/** Reads the app's context values with their defaults; throws InfraConfigError on bad values. */
export function readContext(node: Node): AlleycatContext {
  const topic: unknown = node.tryGetContext(CONTEXT_KEYS.alarmTopicArn);
  if (topic !== undefined && (typeof topic !== 'string' || !topic.startsWith('arn:'))) {
    throw new InfraConfigError(
      `Context value ${CONTEXT_KEYS.alarmTopicArn}=${String(topic)} must be an SNS topic ARN.`,
    );
  }
  return {
    ...(topic === undefined ? {} : { alarmTopicArn: topic }),
    // Kinesis allows up to 10,000 shards per stream by quota; keep a sane ceiling here.
    shardCount: intContext(node, CONTEXT_KEYS.shardCount, STREAM.defaultShardCount, 1, 500),
    // Lambda's TumblingWindowInSeconds is 0..900; a live ranking needs a window of at least 1 s.
    windowSeconds: intContext(node, CONTEXT_KEYS.windowSeconds, MAPPINGS.aggregator.tumblingWindowInSeconds, 1, 900),
  };
}
