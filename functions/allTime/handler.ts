/** Lambda entry of the all-time consumer: wires the environment to createAllTime. */
import { FUNCTION_ENV, optionalEnv, regionFromEnv, requireEnv } from '../runtime/config.js';
import { createDocumentClient } from '../runtime/documentClient.js';
import { createLogger, createMetrics } from '../runtime/observability.js';
import type { PartialResponse, StreamEvent } from './allTime.js';
import { createAllTime } from './allTime.js';

let run: ((event: StreamEvent) => Promise<PartialResponse>) | undefined;

function build(): (event: StreamEvent) => Promise<PartialResponse> {
  const env = process.env;
  return createAllTime({
    ddb: createDocumentClient({
      region: regionFromEnv(env),
      endpoint: optionalEnv(env, FUNCTION_ENV.dynamodbEndpoint),
    }),
    tableName: requireEnv(env, FUNCTION_ENV.tableName),
    logger: createLogger('allTime'),
    metrics: createMetrics('allTime', env),
  });
}

/** The Lambda handler (dependencies built on the first invocation, then reused). */
export async function handler(event: StreamEvent): Promise<PartialResponse> {
  run ??= build();
  return run(event);
}
