/** Lambda entry of the aggregator: wires the environment to createAggregator. */
import { FUNCTION_ENV, positiveIntEnv, requireEnv, optionalEnv } from '../shared/config.js';
import { systemClock } from '../shared/clock.js';
import { createDocumentClient } from '../shared/dynamo.js';
import { credentialsFromEnv, regionFromEnv } from '../shared/lambdaEnv.js';
import { createLogger, createMetrics } from '../shared/observability.js';
import { createPublisher } from '../shared/publishLiveRankings.js';
import { RACE } from '../../infra/settings.js';
import type { TumblingWindowEvent, WindowResponse } from './aggregator.js';
import { createAggregator } from './aggregator.js';

let run: ((event: TumblingWindowEvent) => Promise<WindowResponse>) | undefined;

function build(): (event: TumblingWindowEvent) => Promise<WindowResponse> {
  const env = process.env;
  const region = regionFromEnv(env);
  const credentials = credentialsFromEnv(env);
  return createAggregator({
    ddb: createDocumentClient({ region, endpoint: optionalEnv(env, FUNCTION_ENV.dynamodbEndpoint) }),
    tableName: requireEnv(env, FUNCTION_ENV.tableName),
    raceSeconds: positiveIntEnv(env, FUNCTION_ENV.raceSeconds, RACE.raceSeconds),
    publish: createPublisher({ graphqlUrl: requireEnv(env, FUNCTION_ENV.graphqlUrl), region, credentials }),
    logger: createLogger('aggregator'),
    metrics: createMetrics('aggregator', env),
    clock: systemClock,
  });
}

/** The Lambda handler (dependencies are built on the first invocation, then reused). */
export async function handler(event: TumblingWindowEvent): Promise<WindowResponse> {
  run ??= build();
  return run(event);
}
