/**
 * `/config.json`: what the page may know of the endpoints file. Never the IAM
 * credentials, the table or the stream.
 */
import type { WebConfig } from '../../contract/webConfig.js';
import { isRecord } from '../../lib/isRecord.js';

/** The endpoints file is missing something the page needs. */
export class WebConfigError extends Error {
  override readonly name = 'WebConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * Picks the page's configuration out of `.alleycat/endpoints.json` (already
 * parsed). A page served over HTTPS (`secure`) gets the API's HTTPS and WSS
 * endpoints (the `tls` block) when the stack serves them: a browser blocks or
 * warns on plain-HTTP calls from a secure page once the host is not loopback,
 * and the page then talks over the connection it was loaded by.
 */
export function webConfigFrom(endpoints: unknown, options: { secure?: boolean } = {}): WebConfig {
  if (!isRecord(endpoints)) throw new WebConfigError('endpoints must be an object');
  const strIn = (block: Record<string, unknown>, prefix: string, key: string): string => {
    const v = block[key];
    if (typeof v !== 'string' || v.length === 0) throw new WebConfigError(`${prefix}${key} must be a non-empty string`);
    return v;
  };
  const str = (key: string): string => strIn(endpoints, 'endpoints.', key);
  const cognito = endpoints['cognito'];
  if (!isRecord(cognito)) throw new WebConfigError('endpoints.cognito must be an object');
  const cognitoStr = (key: string): string => strIn(cognito, 'endpoints.cognito.', key);
  const int = (key: string): number => {
    const v = endpoints[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new WebConfigError(`endpoints.${key} must be a positive integer`);
    return v;
  };
  const tls = endpoints['tls'];
  const api =
    options.secure === true && isRecord(tls)
      ? {
          graphqlUrl: strIn(tls, 'endpoints.tls.', 'graphqlUrl'),
          realtimeUrl: strIn(tls, 'endpoints.tls.', 'realtimeUrl'),
        }
      : { graphqlUrl: str('graphqlUrl'), realtimeUrl: str('realtimeUrl') };
  return {
    ...api,
    apiKey: str('apiKey'),
    cognito: {
      endpoint: cognitoStr('endpoint'),
      region: cognitoStr('region'),
      userPoolId: cognitoStr('userPoolId'),
      userPoolClientId: cognitoStr('userPoolClientId'),
    },
    raceSeconds: int('raceSeconds'),
    windowSeconds: int('windowSeconds'),
  };
}
