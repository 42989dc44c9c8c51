/**
 * The settings of one event-source mapping, named as Lambda's
 * CreateEventSourceMapping and AWS::Lambda::EventSourceMapping name them.
 * Whoever starts a mapping passes them in; nothing here knows the app.
 */
export interface FilterCriteria {
  /** Each pattern is a JSON filter pattern; a record passes when any pattern matches. */
  readonly filters: readonly { readonly pattern: string }[];
}

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

/** `ReportBatchItemFailures`: the function answers with `batchItemFailures` (partial batch response). */
export type FunctionResponseType = 'ReportBatchItemFailures';

export interface EventSourceMappingSettings {
  /** BatchSize: 1..10,000. */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds: 0..300. */
  readonly maximumBatchingWindowInSeconds: number;
  readonly startingPosition: StartingPosition;
  /** ParallelizationFactor: only 1 is reproduced. */
  readonly parallelizationFactor: number;
  readonly bisectBatchOnFunctionError: boolean;
  /** MaximumRetryAttempts: -1 (until the record expires) or 0..10,000. */
  readonly maximumRetryAttempts: number;
  /** MaximumRecordAgeInSeconds: -1 (never) or 60..604,800. */
  readonly maximumRecordAgeInSeconds: number;
  readonly functionResponseTypes?: readonly FunctionResponseType[];
  /** TumblingWindowInSeconds: 0..900; 0 or absent means no windows. */
  readonly tumblingWindowInSeconds?: number;
  readonly filterCriteria?: FilterCriteria;
}
