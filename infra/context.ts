/**
 * Context values of the CDK app (`npx cdk deploy -c shardCount=12`), read and
 * validated in one place. Defaults come from infra/settings.ts.
 */
import type { Node } from 'constructs';
import { InfraConfigError } from './errors.js';
import { API_PROTECTION, DEPLOYMENT, MAPPINGS, STREAM } from './settings.js';

export interface AlleycatContext {
  /** Default of the stack's ShardCount parameter. */
  readonly shardCount: number;
  /** The aggregator's tumbling window (also WINDOW_SECONDS and the iterator-age alarm). */
  readonly windowSeconds: number;
  /** An existing SNS topic the alarms notify (context `alarmTopicArn`); default: the stack creates one. */
  readonly alarmTopicArn?: string;
  /** An address the stack's own alarm topic mails (context `alarmEmail`), confirmed by its owner. */
  readonly alarmEmail?: string;
  /** The deployment's stage (context `stage`, default `dev`): in the stack, API and resource names, and a tag. */
  readonly stage: string;
  /** AppSync field logs with request and response content (context `verboseApiLogs=true`); default false. */
  readonly verboseApiLogs: boolean;
  /** Requests per evaluation window one IP may send the API before WAF blocks it (context `apiRateLimit`; 0: no WAF). */
  readonly apiRateLimit: number;
  /** WAF's evaluation window for `apiRateLimit`: 60, 120, 300 or 600 s (context `apiRateWindowSeconds`). */
  readonly apiRateWindowSeconds: number;
  /**
   * The API key's generation (context `apiKeyGeneration`, default 1): raising it makes the next deploy
   * create a new key and delete the old one (docs/operations.md, API key).
   */
  readonly apiKeyGeneration: number;
}

/** Context keys, as given on the command line (`-c key=value`) or in cdk.json. */
export const CONTEXT_KEYS = {
  shardCount: 'shardCount',
  windowSeconds: 'windowSeconds',
  alarmTopicArn: 'alarmTopicArn',
  alarmEmail: 'alarmEmail',
  stage: 'stage',
  verboseApiLogs: 'verboseApiLogs',
  apiRateLimit: 'apiRateLimit',
  apiRateWindowSeconds: 'apiRateWindowSeconds',
  apiKeyGeneration: 'apiKeyGeneration',
} as const;

/** AWS WAF's rate-based rules: a limit of 10..2,000,000,000 requests per window of 60, 120, 300 or 600 s. */
const WAF_RATE_LIMIT = { min: 10, max: 2_000_000_000 } as const;
const WAF_WINDOWS: readonly number[] = [60, 120, 300, 600];

/** A stage name: lower-case letters, digits and dashes, short enough for every resource name it goes into. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,15}$/;

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
  const email: unknown = node.tryGetContext(CONTEXT_KEYS.alarmEmail);
  if (email !== undefined && (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(email))) {
    throw new InfraConfigError(`Context value ${CONTEXT_KEYS.alarmEmail}=${String(email)} must be an e-mail address.`);
  }
  const stage: unknown = node.tryGetContext(CONTEXT_KEYS.stage) ?? DEPLOYMENT.defaultStage;
  if (typeof stage !== 'string' || !STAGE_PATTERN.test(stage)) {
    throw new InfraConfigError(
      `Context value ${CONTEXT_KEYS.stage}=${String(stage)} must match ${
        STAGE_PATTERN.source
      } (e.g. dev, staging, prod).`,
    );
  }
  const verbose: unknown = node.tryGetContext(CONTEXT_KEYS.verboseApiLogs);
  const apiRateLimit = intContext(node, CONTEXT_KEYS.apiRateLimit, API_PROTECTION.rateLimit, 0, WAF_RATE_LIMIT.max);
  if (apiRateLimit !== 0 && apiRateLimit < WAF_RATE_LIMIT.min)
    throw new InfraConfigError(
      `Context value ${CONTEXT_KEYS.apiRateLimit}=${apiRateLimit} must be 0 (no WAF) or ${WAF_RATE_LIMIT.min}..${WAF_RATE_LIMIT.max}.`,
    );
  const apiRateWindowSeconds = intContext(
    node,
    CONTEXT_KEYS.apiRateWindowSeconds,
    API_PROTECTION.evaluationWindowSeconds,
    60,
    600,
  );
  if (!WAF_WINDOWS.includes(apiRateWindowSeconds))
    throw new InfraConfigError(
      `Context value ${CONTEXT_KEYS.apiRateWindowSeconds}=${apiRateWindowSeconds} must be one of ${WAF_WINDOWS.join(
        ', ',
      )}.`,
    );
  return {
    ...(topic === undefined ? {} : { alarmTopicArn: topic }),
    ...(email === undefined ? {} : { alarmEmail: email }),
    stage,
    verboseApiLogs: verbose === true || verbose === 'true',
    apiRateLimit,
    apiRateWindowSeconds,
    apiKeyGeneration: intContext(node, CONTEXT_KEYS.apiKeyGeneration, 1, 1, 1_000_000),
    // Kinesis allows up to 10,000 shards per stream by quota; keep a sane ceiling here.
    shardCount: intContext(node, CONTEXT_KEYS.shardCount, STREAM.defaultShardCount, 1, 500),
    // Lambda's TumblingWindowInSeconds is 0..900; a live ranking needs a window of at least 1 s.
    windowSeconds: intContext(node, CONTEXT_KEYS.windowSeconds, MAPPINGS.aggregator.tumblingWindowInSeconds, 1, 900),
  };
}
