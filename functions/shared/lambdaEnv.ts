/** Dependencies every handler builds from its environment (Lambda or the local stack). */
import type { Env } from './config.js';
import { FUNCTION_ENV, optionalEnv, requireEnv } from './config.js';
import type { Credentials } from './publishLiveRankings.js';

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
