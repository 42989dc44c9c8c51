/**
 * The environment the stream functions run with locally: the names the CDK
 * stack sets (infra/constructs/Pipeline.ts) plus what Lambda itself provides
 * (AWS_REGION, the execution role's keys) and the local endpoints
 * (DYNAMODB_ENDPOINT, KINESIS_ENDPOINT; unset on AWS).
 */
import { MONITORING, RACE, SERVICE_NAMES } from '../../infra/settings.js';
import { LOCAL_REGION, type LocalCredentials } from '../credentials.js';

export interface FunctionEnvInput {
  tableName: string;
  graphqlUrl: string;
  raceSeconds: number;
  windowSeconds: number;
  maxRiders: number;
  dynamodbEndpoint: string;
  kinesisEndpoint: string;
  /** The execution role's keys: the stack's IAM key pair, which the local AppSync accepts. */
  credentials: LocalCredentials;
}

export type FunctionName = keyof typeof SERVICE_NAMES;

/** Variables shared by the three functions (the handlers run in one process, so they share one environment). */
export function functionEnvironment(i: FunctionEnvInput): Record<string, string> {
  return {
    TABLE_NAME: i.tableName,
    GRAPHQL_URL: i.graphqlUrl,
    RACE_SECONDS: String(i.raceSeconds),
    GRACE_SECONDS: String(RACE.graceSeconds),
    WINDOW_SECONDS: String(i.windowSeconds),
    MAX_RIDERS: String(i.maxRiders),
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: i.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: i.credentials.secretAccessKey,
    DYNAMODB_ENDPOINT: i.dynamodbEndpoint,
    KINESIS_ENDPOINT: i.kinesisEndpoint,
    POWERTOOLS_METRICS_NAMESPACE: MONITORING.metricsNamespace,
    // Keep the terminal readable: warnings and errors only (Lambda would ship INFO to CloudWatch).
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  };
}

/**
 * Sets the variables on process.env. The handlers read process.env when first
 * invoked and keep what they built, so this must run before the first event:
 * one local stack per process.
 */
export function applyFunctionEnvironment(env: Record<string, string>): void {
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
}

/**
 * What differs between the functions, as on Lambda: the execution role's
 * keys, the service name (POWERTOOLS_SERVICE_NAME, as the CDK stack sets it),
 * the function's name, and where DynamoDB is (the IAM check in front of
 * DynamoDB Local).
 */
export function ownFunctionEnvironment(
  name: FunctionName,
  role: { readonly accessKeyId: string; readonly secretAccessKey: string },
  dynamodbEndpoint: string,
): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: role.accessKeyId,
    AWS_SECRET_ACCESS_KEY: role.secretAccessKey,
    AWS_LAMBDA_FUNCTION_NAME: name,
    POWERTOOLS_SERVICE_NAME: SERVICE_NAMES[name],
    DYNAMODB_ENDPOINT: dynamodbEndpoint,
  };
}
