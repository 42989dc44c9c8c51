/** Lambda entry of the finalizer: wires the environment to createFinalizer. */
import { RACE } from '../../infra/settings.js';
import { systemClock } from '../runtime/clock.js';
import { FUNCTION_ENV, optionalEnv, positiveIntEnv, regionFromEnv, requireEnv } from '../runtime/config.js';
import { createDocumentClient } from '../runtime/documentClient.js';
import { createLogger, createMetrics } from '../runtime/observability.js';
import type { KinesisBatchEvent, PartialResponse, ScheduledEvent } from './finalizer.js';
import { createFinalizer } from './finalizer.js';

let run: ((event: KinesisBatchEvent | ScheduledEvent) => Promise<PartialResponse>) | undefined;

function build(): (event: KinesisBatchEvent | ScheduledEvent) => Promise<PartialResponse> {
  const env = process.env;
  return createFinalizer({
    ddb: createDocumentClient({
      region: regionFromEnv(env),
      endpoint: optionalEnv(env, FUNCTION_ENV.dynamodbEndpoint),
    }),
    tableName: requireEnv(env, FUNCTION_ENV.tableName),
    raceSeconds: positiveIntEnv(env, FUNCTION_ENV.raceSeconds, RACE.raceSeconds),
    graceSeconds: positiveIntEnv(env, FUNCTION_ENV.graceSeconds, RACE.graceSeconds),
    logger: createLogger('finalizer'),
    metrics: createMetrics('finalizer', env),
    clock: systemClock,
  });
}

/** The Lambda handler (dependencies built on the first invocation, then reused). */
export async function handler(event: KinesisBatchEvent | ScheduledEvent): Promise<PartialResponse> {
  run ??= build();
  return run(event);
}
