import { isRecord } from '../../../lib/isRecord.js';
import type { CognitoConfig, WebConfig } from '../../../contract/webConfig.js';

export type { CognitoConfig, WebConfig };

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
  const config: WebConfig = {
    graphqlUrl: value.graphqlUrl as string,
    realtimeUrl: value.realtimeUrl as string,
    apiKey: value.apiKey as string,
    raceSeconds: value.raceSeconds as number,
    windowSeconds: value.windowSeconds as number,
  };
  if (value.cognito !== undefined) config.cognito = parseCognito(value.cognito);
  return config;
}

function parseCognito(value: unknown): CognitoConfig {
  if (!isRecord(value)) throw new WebConfigError('config.json: cognito must be an object');
  for (const key of ['region', 'userPoolId', 'userPoolClientId'] as const) {
    const v = value[key];
    if (typeof v !== 'string' || v.length === 0)
      throw new WebConfigError(`config.json: cognito.${key} must be a non-empty string`);
  }
  const cognito: CognitoConfig = {
    region: value.region as string,
    userPoolId: value.userPoolId as string,
    userPoolClientId: value.userPoolClientId as string,
  };
  if (value.endpoint !== undefined) {
    if (typeof value.endpoint !== 'string' || !/^https?:\/\//.test(value.endpoint))
      throw new WebConfigError('config.json: cognito.endpoint must be an http(s) URL');
    cognito.endpoint = value.endpoint;
  }
  return cognito;
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
