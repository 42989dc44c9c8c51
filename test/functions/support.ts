/**
 * Shared helpers of the functions' integration tests: a document client on
 * DynamoDB Local, and a recording HTTP endpoint standing in for AppSync's
 * GraphQL endpoint (AWS itself is the one thing tests may stand in for).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { LOCAL_REGION } from '../../local/credentials.js';
import { TEST_IAM_CREDENTIALS } from '../support/testCredentials.js';
import { createDocumentClient } from '../../functions/runtime/documentClient.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LiveRankingsInput } from '../../functions/aggregator/publishLiveRankings.js';
import { createPublisher } from '../../functions/aggregator/publishLiveRankings.js';
import type { AggregatorDeps } from '../../functions/aggregator/aggregator.js';
import { createAggregator } from '../../functions/aggregator/aggregator.js';
import { realSleep } from '../../functions/runtime/clock.js';
import type { Clock } from '../../functions/runtime/clock.js';
import { createFinalizer } from '../../functions/finalizer/finalizer.js';
import { useTestTable } from '../support/useTestTable.js';
import { recordingLogger, recordingMetrics, type RecordedLogs, type RecordedMetrics } from './fakes.js';

export function documentClient(endpoint: string, maxAttempts = 3): DynamoDBDocumentClient {
  return createDocumentClient({ region: LOCAL_REGION, endpoint, credentials: TEST_IAM_CREDENTIALS, maxAttempts });
}

export interface RecordedRequest {
  headers: http.IncomingHttpHeaders;
  body: { query: string; variables: { input: LiveRankingsInput } };
}

export interface FakeAppSync {
  url: string;
  requests: RecordedRequest[];
  /** Answers to give, in order (then 200 with data). */
  answers: Array<{ status: number; body: unknown }>;
  /** Most requests it held at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 that records GraphQL POSTs and answers like AppSync. */
export async function fakeAppSync(
  opts: {
    /** Answers nothing until this many requests are in flight (or `holdMs` passed): concurrency shows. */
    holdUntil?: number;
    holdMs?: number;
  } = {},
): Promise<FakeAppSync> {
  const requests: RecordedRequest[] = [];
  const answers: FakeAppSync['answers'] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let held: Array<() => void> = [];
  const release = () => {
    const now = held;
    held = [];
    for (const answer of now) answer();
  };
  const server = http.createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
      requests.push({ headers: req.headers, body });
      const answer = answers.shift() ?? { status: 200, body: { data: { publishLiveRankings: body.variables.input } } };
      held.push(() => {
        inFlight -= 1;
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
      if (opts.holdUntil === undefined || inFlight >= opts.holdUntil) release();
      else setTimeout(release, opts.holdMs ?? 10_000);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    answers,
    maxInFlight: () => maxInFlight,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A clock the test moves by hand. */
export function manualClock(start: number): { now(): number; set(ms: number): void } {
  let t = start;
  return { now: () => t, set: (ms) => (t = ms) };
}

export const noSleep = async (): Promise<void> => {};

/** An aggregator's dependencies as Lambda would give it, in a test: the recording logger and metrics are returned typed. */
export type TestAggregatorDeps = AggregatorDeps & { logger: RecordedLogs; metrics: RecordedMetrics };

/**
 * The aggregator's dependencies for an integration test: DynamoDB Local, a
 * SigV4 publisher pointed at `appsync`, a recording logger and metrics, no
 * sleeping between retries. `overrides` replaces any of them.
 */
export function aggregatorTestDeps(
  o: { endpoint: string; tableName: string; appsync: FakeAppSync; raceSeconds: number; clock: Clock },
  overrides: Partial<AggregatorDeps> = {},
): TestAggregatorDeps {
  return {
    ddb: documentClient(o.endpoint),
    tableName: o.tableName,
    raceSeconds: o.raceSeconds,
    publish: createPublisher({
      graphqlUrl: o.appsync.url,
      region: 'us-east-1',
      credentials: TEST_IAM_CREDENTIALS,
      sleep: noSleep,
    }),
    logger: recordingLogger(),
    metrics: recordingMetrics(),
    clock: o.clock,
    sleep: noSleep,
    ...overrides,
  } as TestAggregatorDeps;
}

/** What `useAggregatorHarness` sets up for a describe block; read it inside hooks and tests. */
export interface AggregatorHarness {
  /** The suite's shared DynamoDB Local. */
  readonly endpoint: string;
  /** A fresh table on it, this block's own. */
  readonly tableName: string;
  /** The recording AppSync endpoint the aggregators publish to. */
  readonly appsync: FakeAppSync;
  /** A new document client on the shared DynamoDB Local. */
  ddb(): DynamoDBDocumentClient;
  /** An aggregator's dependencies on this table and endpoint (see `aggregatorTestDeps`). */
  deps(clock: Clock, overrides?: Partial<AggregatorDeps>): TestAggregatorDeps;
  /** A finalizer on this table (15 s of grace, no sleeping) with its own metrics and a manual clock at `clockAt`. */
  finalizer(
    ddb: DynamoDBDocumentClient,
    clockAt: number,
  ): { finalize: ReturnType<typeof createFinalizer>; metrics: RecordedMetrics; clock: ReturnType<typeof manualClock> };
}

/**
 * Registers the hooks every aggregator integration test needs: before all, a
 * fresh table on the shared DynamoDB Local (useTestTable) and a recording AppSync endpoint;
 * after all, that endpoint closed. Call it in a describe block; the harness's
 * fields are there once its beforeAll has run (hooks registered after it see them).
 */
export function useAggregatorHarness(o: { raceSeconds: number }): AggregatorHarness {
  const table = useTestTable();
  let appsync: FakeAppSync | undefined;
  beforeAll(async () => {
    appsync = await fakeAppSync();
  });
  afterAll(async () => appsync?.close());
  const recording = () => {
    if (appsync === undefined) throw new Error('useAggregatorHarness: read before its beforeAll ran');
    return appsync;
  };
  return {
    get endpoint() {
      return table.endpoint;
    },
    get tableName() {
      return table.tableName;
    },
    get appsync() {
      return recording();
    },
    ddb: () => documentClient(table.endpoint),
    deps: (clock, overrides = {}) =>
      aggregatorTestDeps(
        {
          endpoint: table.endpoint,
          tableName: table.tableName,
          appsync: recording(),
          raceSeconds: o.raceSeconds,
          clock,
        },
        overrides,
      ),
    finalizer(ddb, clockAt) {
      const metrics = recordingMetrics();
      const clock = manualClock(clockAt);
      const finalize = createFinalizer({
        ddb,
        tableName: table.tableName,
        raceSeconds: o.raceSeconds,
        graceSeconds: 15,
        logger: recordingLogger(),
        metrics,
        clock,
        sleep: noSleep,
      });
      return { finalize, metrics, clock };
    },
  };
}

/** One aggregator container per shard, as Lambda runs them: what `useShardAggregators` gives a describe block. */
export interface ShardAggregators {
  /** Shard i's aggregator (there once the block's beforeAll has run). */
  readonly runs: ReadonlyArray<ReturnType<typeof createAggregator>>;
  /** Shard i's recorded metrics. */
  readonly metrics: readonly RecordedMetrics[];
  /** A metric summed over every shard's container. */
  total(name: string): number;
}

/**
 * Registers a beforeAll that builds one aggregator container per shard on
 * the harness's table, each with its own metrics. Their closers really sleep
 * between their reads (functions/aggregator/waitForShards.ts), so closers of
 * one window run side by side wait for each other as on Lambda.
 */
export function useShardAggregators(harness: AggregatorHarness, clock: Clock, shards: number): ShardAggregators {
  const metrics = Array.from({ length: shards }, () => recordingMetrics());
  const runs: Array<ReturnType<typeof createAggregator>> = [];
  beforeAll(() => {
    runs.push(...metrics.map((m) => createAggregator(harness.deps(clock, { metrics: m, sleep: realSleep }))));
  });
  return { runs, metrics, total: (name) => metrics.reduce((n, m) => n + (m.totals[name] ?? 0), 0) };
}
