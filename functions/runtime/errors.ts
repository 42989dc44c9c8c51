/**
 * Typed errors of the pipeline functions. Every error has a `name` (so logs
 * and metrics can tell them apart) and keeps the underlying `cause`.
 */

/** Base of every error the functions raise on purpose. */
export class PipelineError extends Error {
  override readonly name: string = 'PipelineError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A required setting is missing or malformed (a deployment mistake, never retried). */
export class ConfigError extends PipelineError {
  override readonly name = 'ConfigError';
}

/** A call kept failing with transient errors until the retry budget ran out. */
export class RetriesExhaustedError extends PipelineError {
  override readonly name = 'RetriesExhaustedError';
  constructor(message: string, readonly attempts: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** AppSync answered a publish with GraphQL `errors` or a non-2xx status. */
export class PublishError extends PipelineError {
  override readonly name = 'PublishError';
  constructor(message: string, readonly transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An optimistic-concurrency write lost too many races against other writers. */
export class ConflictError extends PipelineError {
  override readonly name = 'ConflictError';
}
