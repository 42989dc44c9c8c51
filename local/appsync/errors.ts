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
