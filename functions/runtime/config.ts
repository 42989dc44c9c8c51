/**
 * The environment of the functions, read in one place with clear messages.
 * The CDK stack and the local stack set the same names (FUNCTION_ENV).
 */
import { ConfigError } from './errors.js';

/** Every environment variable a pipeline function reads. */
export const FUNCTION_ENV = {
  tableName: 'TABLE_NAME',
  graphqlUrl: 'GRAPHQL_URL',
  raceSeconds: 'RACE_SECONDS',
  graceSeconds: 'GRACE_SECONDS',
  /** Riders a class's race admits (infra/settings.ts ADMISSION). */
  maxRiders: 'MAX_RIDERS',
  region: 'AWS_REGION',
  /** Local only: DynamoDB Local's endpoint. Unset on AWS. */
  dynamodbEndpoint: 'DYNAMODB_ENDPOINT',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

export type Env = Readonly<Record<string, string | undefined>>;

/** AWS credentials, as the SDK clients and the SigV4 signer take them. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A required string setting. */
export function requireEnv(env: Env, name: string): string {
  const v = env[name];
  if (v === undefined || v.trim() === '') {
    throw new ConfigError(`environment variable ${name} is required but not set`);
  }
  return v;
}

/** An optional string setting. */
export function optionalEnv(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** A positive integer setting, with a default when unset. */
export function positiveIntEnv(env: Env, name: string, fallback: number): number {
  const raw = optionalEnv(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new ConfigError(`environment variable ${name} must be a positive integer, got "${raw}"`);
  }
  return n;
}

/**
 * The execution role's credentials. Lambda puts them in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
 */
export function credentialsFromEnv(env: Env): Credentials {
  const sessionToken = optionalEnv(env, 'AWS_SESSION_TOKEN');
  return {
    accessKeyId: requireEnv(env, 'AWS_ACCESS_KEY_ID'),
    secretAccessKey: requireEnv(env, 'AWS_SECRET_ACCESS_KEY'),
    ...(sessionToken === undefined ? {} : { sessionToken }),
  };
}

export function regionFromEnv(env: Env): string {
  return requireEnv(env, FUNCTION_ENV.region);
}
