/**
 * Takes the AWS SDK's logger middleware out of a client.
 *
 * That middleware calls `logger.info({ input: filter(input), output: filter(output) })`
 * after every call, and the SDK's default logger is a no-op object that has
 * an `info` method, so the arguments are built anyway: every request and
 * response is walked field by field against its schema to mask sensitive
 * members, then thrown away. For the live path that walk is not small — a
 * LivePart Query returns every rider of a race — and in the ingest benchmark
 * it was about 6% of the stack's busy time at window closes. We never pass
 * the SDK a logger (the functions log through Powertools), so nothing is lost.
 */

/** The part of an SDK client this needs (every v3 client has it). */
export interface HasMiddlewareStack {
  middlewareStack: { remove(toRemove: string): boolean };
}

/** The name the SDK registers the middleware under (`@aws-sdk/core`, getLoggerPlugin). */
export const SDK_LOGGER_MIDDLEWARE = 'loggerMiddleware';

/** Removes the logger middleware from `client` (in place) and returns the client. */
export function withoutSdkLogging<C extends HasMiddlewareStack>(client: C): C {
  client.middlewareStack.remove(SDK_LOGGER_MIDDLEWARE);
  return client;
}
