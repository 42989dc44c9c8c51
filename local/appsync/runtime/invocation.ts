/**
 * Per-handler-call state that the APPSYNC_JS globals (`util`, `extensions`,
 * `runtime`, `console`) read and write, and the signals they throw. Handlers
 * are synchronous (APPSYNC_JS has no async), so one "current invocation" per
 * sandbox is enough.
 */

/** An error recorded with util.appendError (EvaluateCode's `outErrors`). */
export interface AppendedError {
  readonly message: string;
  readonly errorType: string | null;
  readonly data: unknown;
  readonly errorInfo: unknown;
}

/** What `extensions.*` recorded during one resolver run (read by the real-time server). */
export interface ExtensionsRecord {
  subscriptionFilter: unknown;
  invalidationFilter: unknown;
  readonly invalidations: Array<{ subscriptionField: string; payload: unknown }>;
  readonly cacheEvictions: Array<{ typeName: string; fieldName: string; keys: unknown }>;
}

/** Auth mode strings as util.authType() returns them [DOC context reference]. */
export type AuthTypeName = 'API Key Authorization' | 'IAM Authorization' | 'User Pool Authorization';

export interface Invocation {
  readonly authType: AuthTypeName | null;
  readonly errors: AppendedError[];
  readonly extensions: ExtensionsRecord;
  readonly logs: string[];
  readonly now: () => number;
}

/** Fresh state for one resolver run (shared by every handler of a pipeline). */
export function createInvocation(options: { authType?: AuthTypeName | null; now?: () => number } = {}): Invocation {
  return {
    authType: options.authType ?? null,
    errors: [],
    extensions: { subscriptionFilter: null, invalidationFilter: null, invalidations: [], cacheEvictions: [] },
    logs: [],
    now: options.now ?? Date.now,
  };
}

/** Thrown by util.error / util.unauthorized: stops the handler (and the pipeline). */
export class UtilErrorSignal {
  readonly name = 'UtilErrorSignal';
  constructor(
    readonly message: string,
    readonly errorType: string | null,
    readonly data: unknown,
    readonly errorInfo: unknown,
    readonly unauthorized = false,
  ) {}
}

/** Thrown by runtime.earlyReturn: skips to the next step of the pipeline. */
export class EarlyReturnSignal {
  readonly name = 'EarlyReturnSignal';
  constructor(readonly value: unknown, readonly skipTo: 'END' | 'NEXT' | null) {}
}

/** Holder the sandbox globals read; the executor sets `current` around each call. */
export interface InvocationHolder {
  current: Invocation | null;
}

/** The current invocation, or a throwaway one when a util is called outside a handler (module top level). */
export function currentInvocation(holder: InvocationHolder): Invocation {
  if (!holder.current) holder.current = createInvocation();
  return holder.current;
}
