/** Typed errors of the local event-source-mapping runtime. */

/** Base of every error the runtime raises on purpose. */
export class EventSourceMappingError extends Error {
  override readonly name: string = 'EventSourceMappingError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A FilterCriteria pattern is not valid JSON or not valid filter-pattern syntax (Lambda rejects it at creation). */
export class InvalidFilterPatternError extends EventSourceMappingError {
  override readonly name = 'InvalidFilterPatternError';
}

/** A mapping setting is outside the range Lambda accepts. */
export class InvalidMappingSettingError extends EventSourceMappingError {
  override readonly name = 'InvalidMappingSettingError';
}

/** The handler did not settle within the function's timeout (Lambda reports `Task timed out`). */
export class FunctionTimeoutError extends EventSourceMappingError {
  override readonly name = 'FunctionTimeoutError';
}

/** Reading a shard failed (the poller retries; this is what it logs). */
export class ShardReadError extends EventSourceMappingError {
  override readonly name = 'ShardReadError';
}

/**
 * CreateEventSourceMapping's refusal of a role that cannot read the stream
 * (Lambda: InvalidParameterValueException, HTTP 400); `missing` names the actions.
 */
export class StreamAccessError extends EventSourceMappingError {
  override readonly name = 'StreamAccessError';
  readonly code = 'InvalidParameterValueException';
  constructor(message: string, readonly missing: readonly string[]) {
    super(message);
  }
}

/**
 * A call of the pollers (GetShardIterator, GetRecords, ListShards,
 * DescribeStream, the OnFailure SendMessage) that the function's execution
 * role does not allow: the service's AccessDeniedException, as IAM words it.
 */
export class PollerAccessDeniedError extends EventSourceMappingError {
  override readonly name = 'PollerAccessDeniedError';
  readonly code = 'AccessDeniedException';
  constructor(message: string, readonly action: string, readonly resource: string) {
    super(message);
  }
}
