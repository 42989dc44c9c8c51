/**
 * Resource settings shared by the CDK stack (infra/) and the local stack
 * (local/stack): one definition, so local and cloud cannot drift.
 * A test compares the synthesized template with what the local stack creates.
 */
import { DEFAULT_GRACE_SECONDS, DEFAULT_RACE_SECONDS, DEFAULT_WINDOW_SECONDS } from '../core/raceClock.js';

export const TABLE = {
  /** Logical name; CDK lets CloudFormation name the table, the local stack uses this. */
  localName: 'alleycat',
  partitionKey: { name: 'PK', type: 'S' },
  sortKey: { name: 'SK', type: 'S' },
  billingMode: 'PAY_PER_REQUEST',
  /**
   * Transient items (LIVE#, LIVEPUB, OPEN#, FINAL#, admission buckets) carry
   * this attribute, epoch seconds, set by the code that writes them
   * (core/expiresAt.ts); DynamoDB deletes them some time after it passes.
   */
  timeToLiveAttribute: 'expiresAt',
  /**
   * On-demand ceiling: requests per second a table (and each index) may take
   * before DynamoDB throttles, so a runaway writer or a flood costs a bounded
   * amount (docs/operations.md, Decisions).
   */
  maxReadRequestUnits: 40_000,
  maxWriteRequestUnits: 20_000,
  pointInTimeRecovery: true,
  /**
   * The all-time consumer needs the inserted result (NEW_IMAGE) and, for a
   * result replaced later (a late `final` over a not-finished result), the
   * output it replaces (OLD_IMAGE) to apply the difference.
   */
  streamViewType: 'NEW_AND_OLD_IMAGES',
  globalSecondaryIndexes: [
    // Results of a race by output; all-time ranking by personal best.
    {
      indexName: 'GSI1',
      partitionKey: { name: 'GSI1PK', type: 'S' },
      sortKey: { name: 'GSI1SK', type: 'S' },
      projection: 'ALL',
    },
    // A rider's results newest first; all-time ranking by total output.
    {
      indexName: 'GSI2',
      partitionKey: { name: 'GSI2PK', type: 'S' },
      sortKey: { name: 'GSI2SK', type: 'S' },
      projection: 'ALL',
    },
  ],
} as const;

/**
 * Kinesis: each shard takes 1,000 records/s. With one record per rider per
 * second, a full 1,000-rider class needs one shard's whole write budget; six
 * such classes need >= 6 shards, and headroom for retries and bursts says 8.
 * Locally we default to 4 shards so a race always spans several shards.
 */
export const STREAM = {
  localName: 'alleycat-telemetry',
  defaultShardCount: 8,
  localShardCount: 4,
  /**
   * As long as the dead-letter queues keep a failed batch's pointer
   * (MONITORING.dlqRetentionDays): a re-drive reads the records again from the
   * stream, so they must outlive the pointer (docs/operations.md, Re-driving).
   */
  retentionHours: 14 * 24,
  /** Upper bound of the ShardCount parameter (64,000 riders at once); beyond it, raise it deliberately (docs/operations.md, Decisions). */
  maxShardCount: 64,
} as const;

/**
 * Admission: a class's race holds at most this many riders, first come
 * (docs/data-model.md, Admission). Bounds every per-race item and the work of
 * a window whatever producers send; the functions read it from MAX_RIDERS,
 * the local stack from `--max-riders`. Nothing in the design depends on its
 * size: live parts split into pages, admission is one counter per race.
 */
export const ADMISSION = {
  maxRidersPerRace: 50_000,
} as const;

/** Race timing: every part (simulator, aggregator, finalizer, web) follows it. */
export const RACE = {
  raceSeconds: DEFAULT_RACE_SECONDS,
  windowSeconds: DEFAULT_WINDOW_SECONDS,
  graceSeconds: DEFAULT_GRACE_SECONDS,
} as const;

/**
 * Live boards (core/shardWatermark.ts): how long a board waits for an active
 * shard to close its window before it is published without that shard's new
 * records.
 */
export const LIVE_BOARD = {
  shardWaitWindows: 2,
  /** The wait is never shorter than this (a shard's poller runs about once a second; short windows lag more). */
  shardWaitMinMs: 10_000,
  /**
   * A closer that finds shards awaited re-reads their watermarks this often,
   * up to `holdPolls` times: an awaited shard that neither closes the window
   * nor moves in that time has no record in it (or has stopped), and is given up.
   */
  holdPollMs: 250,
  holdPolls: 12,
  /**
   * Between those reads it reads the window claim (one item) this often: with
   * every shard busy, the last closer claims the window a moment after the
   * others finish, and they should go on as soon as it has.
   */
  claimPollMs: 50,
} as const;

export interface FilterPattern {
  readonly pattern: string;
}

export interface MappingSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly parallelizationFactor: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeInSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly tumblingWindowInSeconds?: number;
  readonly filters?: readonly FilterPattern[];
}

/** Event-source mappings of the three functions. */
export const MAPPINGS = {
  aggregator: {
    batchSize: 1000,
    maximumBatchingWindowInSeconds: 0,
    startingPosition: 'LATEST',
    parallelizationFactor: 1,
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 5,
    // Live data older than a race is worthless for live rankings.
    maximumRecordAgeInSeconds: 600,
    reportBatchItemFailures: true,
    tumblingWindowInSeconds: DEFAULT_WINDOW_SECONDS,
  },
  finalizer: {
    // At the end of a full race every rider's final arrives in the same second
    // (1,000 per class, ~1,500 per local shard). Batches of a shard run one
    // after another, so smaller batches queue behind each other and the
    // finalizer falls behind; 2,000 takes a shard's finals in one invocation.
    // Lambda's payload limit (6 MB) holds 2,000 telemetry records (~600 B each
    // in the event) with room to spare.
    batchSize: 2000,
    maximumBatchingWindowInSeconds: 1,
    startingPosition: 'TRIM_HORIZON',
    parallelizationFactor: 1,
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 10,
    maximumRecordAgeInSeconds: 3600,
    reportBatchItemFailures: true,
  },
  allTime: {
    batchSize: 100,
    maximumBatchingWindowInSeconds: 1,
    startingPosition: 'TRIM_HORIZON',
    parallelizationFactor: 1,
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 10,
    maximumRecordAgeInSeconds: 86400,
    reportBatchItemFailures: true,
    // Only inserted and replaced result items reach the function (a MODIFY is
    // a late final replacing a not-finished result).
    filters: [
      {
        pattern: JSON.stringify({
          eventName: ['INSERT', 'MODIFY'],
          dynamodb: { NewImage: { SK: { S: [{ prefix: 'RESULT#' }] } } },
        }),
      },
    ],
  },
} as const satisfies Record<string, MappingSettings>;

/**
 * The finalizer's scheduled close: Kinesis invokes the finalizer only when
 * records arrive, so an EventBridge rule invokes it on this rate with a
 * Scheduled Event to close ended races of a quiet stream. The local stack
 * runs the same timer.
 */
export const CLOSE_SCHEDULE = {
  /** EventBridge rate expressions count whole minutes; 1 is the smallest. */
  rateMinutes: 1,
  /**
   * A failed tick is tried again (Lambda's asynchronous retries; EventBridge's
   * own for an invocation that fails to start), and what still fails lands in
   * a queue that raises an alarm. The close claims make a retried tick that
   * meets the next one harmless.
   */
  retryAttempts: 2,
  /** A tick older than this is dropped: later ticks do the same work. */
  maxEventAgeMinutes: 5,
} as const;

/** Lambda settings. */
export const FUNCTIONS = {
  /** Decided 2026-12 (docs/operations.md, Decisions): Lambda deprecates nodejs22.x on 2027-04-30. */
  runtime: 'nodejs22.x',
  /**
   * Reserved concurrency per function: stream consumers run at most one
   * instance per shard (ParallelizationFactor 1), so a reservation bounds what
   * they take from the account and guarantees they are never starved by other
   * functions. Sized for STREAM.maxShardCount plus the scheduled close.
   */
  reservedConcurrency: { aggregator: 64, finalizer: 66, allTime: 32 },
  memorySize: { aggregator: 1024, finalizer: 512, allTime: 512 },
  timeoutSeconds: { aggregator: 60, finalizer: 60, allTime: 30 },
} as const;

/** Deployments: one stack per stage, side by side in one account and region. */
export const DEPLOYMENT = {
  defaultStage: 'dev',
  project: 'alleycat',
} as const;

/**
 * AWS WAF on the API: a rate-based rule per client IP (WAF blocks with HTTP
 * 403). The local stack applies the same rule with `--api-rate-limit`, off by
 * default there (docs/operations.md, Decisions).
 */
export const API_PROTECTION = {
  /** Requests per IP per evaluation window (WAF: 10..2,000,000,000); 0 turns WAF off. */
  rateLimit: 3000,
  /** WAF's evaluation window of the rate: 60, 120, 300 (WAF's default) or 600 seconds. */
  evaluationWindowSeconds: 300,
} as const;

/** AppSync. */
export const API = {
  name: 'alleycat',
  region: 'us-east-1',
  /** AppSync's maximum; every deploy renews the key to this many days from synth (docs/operations.md, API key). */
  apiKeyDays: 365,
  /** The reminder to renew the API key goes out this many days before it expires. */
  apiKeyReminderDays: 30,
  /**
   * Nesting levels a query may have (AppSync: 1..75, unset = none). Our own
   * operations go 3 deep; the standard introspection query (GraphiQL, the
   * explorer, codegen) goes 15 deep. 20 fits both with room, and stops
   * documents built to nest.
   */
  queryDepthLimit: 20,
  /**
   * Resolvers one request may run (AppSync: 1..10000, unset = 10000). Only root
   * fields have resolvers in our schema and each of our operations selects one;
   * 100 leaves room for a dashboard batching several, and stops documents that
   * alias one field thousands of times.
   */
  resolverCountLimit: 100,
  /**
   * Introspection stays on: the explorer (GraphiQL) and codegen read the schema
   * through it, and the schema is public anyway (the web app ships its
   * operations, the repository its SDL). Depth and resolver limits bound its cost.
   */
  introspectionConfig: 'ENABLED',
} as const;

/**
 * The riders' Cognito user pool and its one app client, created by CDK
 * (infra/constructs/Riders.ts) and by the local stack (local/stack/userPool.ts)
 * from these settings. A rider's username is their racerId; their display name
 * is the standard `name` attribute.
 */
export const USER_POOL = {
  poolName: 'alleycat-riders',
  clientName: 'alleycat-riders-app',
  /** A racerId: what the PreSignUp trigger and the recordTelemetry resolver accept as a username. */
  usernamePattern: '^[A-Za-z0-9_-]{1,64}$',
  /** racerIds are case-sensitive keys: "Ana" and "ana" are two riders. */
  usernameCaseSensitive: true,
  passwordPolicy: {
    minLength: 8,
    requireLowercase: true,
    requireUppercase: true,
    requireDigits: true,
    requireSymbols: true,
    temporaryPasswordValidityDays: 7,
  },
  /** The PreSignUp trigger (functions/preSignUp): refuses a username that is no racerId, or an unusable name. */
  preSignUp: { memorySize: 256, timeoutSeconds: 5 },
  /** Browsers and the simulator cannot keep a secret: public client, password or SRP sign-in. */
  explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  /** A race is minutes long: an hour-long token outlives a session of races; refresh tokens a month. */
  tokenValidity: { idTokenMinutes: 60, accessTokenMinutes: 60, refreshTokenDays: 30 },
} as const;

/**
 * Names the functions log and emit metrics under (Powertools reads
 * POWERTOOLS_SERVICE_NAME and adds it as the `service` dimension of every EMF
 * metric, so the alarms must use the same value).
 */
export const SERVICE_NAMES = {
  aggregator: 'aggregator',
  finalizer: 'finalizer',
  allTime: 'allTime',
} as const;

/** CloudWatch: the dashboard and alarms of the CDK stack (infra/constructs/Monitoring.ts). */
export const MONITORING = {
  /** Namespace of the functions' EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
  metricsNamespace: 'Alleycat',
  /** Period of every alarm and dashboard metric. */
  periodSeconds: 60,
  /**
   * A Kinesis consumer is late once its iterator age exceeds one tumbling
   * window plus this margin (Lambda polls about once a second and closes a
   * window only after it ends, so one window of age is normal).
   */
  iteratorAgeMarginSeconds: 30,
  /** Iterator age alarm of the DynamoDB Streams consumer (all-time rankings are not live). */
  allTimeIteratorAgeSeconds: 300,
  /** Share of AppSync requests that fail with 5XX (Average of 5XXError) that raises the alarm. */
  appSync5xxRate: 0.01,
  /**
   * Share of AppSync requests refused with 4XX (auth, validation, limits) that
   * raises the alarm: a client broken by a release, an expired key, a flood.
   */
  appSync4xxRate: 0.05,
  /** Consecutive periods over the threshold before an alarm fires. */
  evaluationPeriods: 3,
  /** Retention of the dead-letter queues (SQS maximum). */
  dlqRetentionDays: 14,
  /** Retention of the functions' and the API's CloudWatch logs. */
  logRetentionDays: 30,
} as const;
