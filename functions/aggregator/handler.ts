/** Lambda entry of the aggregator: wires the environment to createAggregator. */
import {
  credentialsFromEnv,
  FUNCTION_ENV,
  optionalEnv,
  positiveIntEnv,
  regionFromEnv,
  requireEnv,
} from '../runtime/config.js';
import { systemClock } from '../runtime/clock.js';
import { createDocumentClient } from '../runtime/documentClient.js';
import { createLogger, createMetrics } from '../runtime/observability.js';
import { createSignedPoster, PUBLISH_MUTATION } from './publishLiveRankings.js';
import { createBandPublisher } from './publishLiveBands.js';
import { ADMISSION, RACE } from '../../infra/settings.js';
import type { TumblingWindowEvent, WindowResponse } from './aggregator.js';
import { createAggregator } from './aggregator.js';

let run: ((event: TumblingWindowEvent) => Promise<WindowResponse>) | undefined;

function build(): (event: TumblingWindowEvent) => Promise<WindowResponse> {
  const env = process.env;
  const region = regionFromEnv(env);
  const credentials = credentialsFromEnv(env);
  const post = createSignedPoster({ graphqlUrl: requireEnv(env, FUNCTION_ENV.graphqlUrl), region, credentials });
  return createAggregator({
    ddb: createDocumentClient({ region, endpoint: optionalEnv(env, FUNCTION_ENV.dynamodbEndpoint) }),
    tableName: requireEnv(env, FUNCTION_ENV.tableName),
    raceSeconds: positiveIntEnv(env, FUNCTION_ENV.raceSeconds, RACE.raceSeconds),
    maxRiders: positiveIntEnv(env, FUNCTION_ENV.maxRiders, ADMISSION.maxRidersPerRace),
    publish: (input) => post('publishLiveRankings', PUBLISH_MUTATION, { input }),
    publishBands: createBandPublisher(post),
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
