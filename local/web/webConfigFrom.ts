import type { WebConfig } from '../../web/src/data/WebConfig.js';

/**
 * What the page may know of the endpoints file (contract §4): the URLs, the
 * API key (public by design: AppSync API keys are shipped to browsers) and the
 * race clock. Never the IAM credentials, the table or the stream. The shape is
 * the page's own `WebConfig`: one definition for both ends of `/config.json`.
 */
export type { WebConfig };

/** The endpoints file is missing something the page needs. */
export class WebConfigError extends Error {
  override readonly name = 'WebConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Picks the page's configuration out of `.alleycat/endpoints.json` (already parsed). */
export function webConfigFrom(endpoints: unknown): WebConfig {
  if (!isRecord(endpoints)) throw new WebConfigError('endpoints must be an object');
  const str = (key: string): string => {
    const v = endpoints[key];
    if (typeof v !== 'string' || v.length === 0)
      throw new WebConfigError(`endpoints.${key} must be a non-empty string`);
    return v;
  };
  const int = (key: string): number => {
    const v = endpoints[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new WebConfigError(`endpoints.${key} must be a positive integer`);
    return v;
  };
  return {
    graphqlUrl: str('graphqlUrl'),
    realtimeUrl: str('realtimeUrl'),
    apiKey: str('apiKey'),
    raceSeconds: int('raceSeconds'),
    windowSeconds: int('windowSeconds'),
  };
}
