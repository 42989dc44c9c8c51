import { isRecord } from '../../../lib/isRecord.js';
import type { WebConfig } from '../../../contract/webConfig.js';

export type { WebConfig };

/** The configuration could not be loaded or is not what the page needs. */
export class WebConfigError extends Error {
  override readonly name = 'WebConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Checks a decoded `/config.json`; the error names the first bad field. */
export function parseWebConfig(value: unknown): WebConfig {
  if (!isRecord(value)) throw new WebConfigError('config.json must be a JSON object');
  for (const key of ['graphqlUrl', 'realtimeUrl', 'apiKey'] as const) {
    const v = value[key];
    if (typeof v !== 'string' || v.length === 0)
      throw new WebConfigError(`config.json: ${key} must be a non-empty string`);
  }
  for (const key of ['raceSeconds', 'windowSeconds'] as const) {
    const v = value[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new WebConfigError(`config.json: ${key} must be a positive integer`);
    }
  }
  const cognito = value.cognito;
  if (!isRecord(cognito)) throw new WebConfigError('config.json: cognito must be an object');
  for (const key of ['endpoint', 'region', 'userPoolId', 'userPoolClientId'] as const) {
    const v = cognito[key];
    if (typeof v !== 'string' || v.length === 0)
      throw new WebConfigError(`config.json: cognito.${key} must be a non-empty string`);
  }
  return {
    graphqlUrl: value.graphqlUrl as string,
    realtimeUrl: value.realtimeUrl as string,
    apiKey: value.apiKey as string,
    cognito: {
      endpoint: cognito.endpoint as string,
      region: cognito.region as string,
      userPoolId: cognito.userPoolId as string,
      userPoolClientId: cognito.userPoolClientId as string,
    },
    raceSeconds: value.raceSeconds as number,
    windowSeconds: value.windowSeconds as number,
  };
}

/** Fetches and checks the page's configuration. */
export async function loadWebConfig(fetchImpl: typeof fetch, url = '/config.json'): Promise<WebConfig> {
  let res: Response;
  try {
    res = await fetchImpl(url, { cache: 'no-store' });
  } catch (err) {
    throw new WebConfigError(`could not fetch ${url}`, { cause: err });
  }
  if (!res.ok) throw new WebConfigError(`${url} answered ${res.status}`);
  return parseWebConfig(await res.json());
}
