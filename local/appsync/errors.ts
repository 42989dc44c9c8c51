/** Typed errors of the local AppSync runtime. */

/** A resolver bundle AppSync would refuse to deploy (syntax outside APPSYNC_JS, bad imports). */
export class ResolverLoadError extends Error {
  override readonly name = 'ResolverLoadError';
  constructor(
    message: string,
    readonly file: string,
    readonly line: number,
    readonly column: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Invalid configuration of the runtime (missing bundle, unknown data source…). */
export class RuntimeConfigError extends Error {
  override readonly name = 'RuntimeConfigError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Any thrown value as an Error. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  if (typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string') {
    return new Error(value.message);
  }
  return new Error(String(value));
}
