/**
 * Test fixture: the API as the local stack runs it — the local AppSync
 * runtime with every bundle of resolvers/build.ts, the table on DynamoDB
 * Local and the Kinesis HTTP data source on kinesalite — and helpers that
 * write items with core/keys.ts and call the API with the client's own
 * operation documents (client/generated/operations.ts).
 */
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { print, type DocumentNode } from 'graphql';
import { afterAll, beforeAll, inject } from 'vitest';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SignatureV4 } from '@smithy/signature-v4';
import { HttpRequest } from '@smithy/protocol-http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { createAppSyncRuntime, type AppSyncError, type AppSyncRuntime } from '../../local/appsync/index.js';
import { localDynamoDb } from '../../local/stack/clients.js';
import { alleycatApiDefinition } from '../../local/stack/apiDefinition.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/credentials.js';
import { TEST_IAM_CREDENTIALS } from '../support/testCredentials.js';
import { bundleResolvers } from '../../resolvers/build.js';
import { createTestTable } from '../support/resources.js';
import { ensureUserPool, type CognitoEndpoints } from '../../local/stack/userPool.js';
import { riderAccounts, type RiderAccounts } from '../../local/simulator/riderAccounts.js';
import type { AllTimeStats } from '../../core/allTimeItem.js';
import { allTimeIndexKeys, allTimeKey, ITEM_ALLTIME, ITEM_RACE, raceKey } from '../../core/keys.js';
import { buildLivePartItem, rankRiders } from '../../core/livePart.js';
import { readLiveSnapshot } from '../../functions/aggregator/livePartReads.js';
import { capSnapshot } from '../../functions/aggregator/capSnapshot.js';
import { storeLiveBoard } from '../../functions/aggregator/liveBoardStore.js';
import type { RaceSummary } from '../../core/raceSummary.js';
import { buildResultItem, type ResultItem } from '../../core/resultItem.js';
import { withRanks } from '../../functions/finalizer/withRanks.js';
import { buildRaceHead } from '../../functions/finalizer/raceHead.js';
import { RaceResultsDocument } from '../../client/generated/operations.js';
import { raceIdAt, raceStartMillis } from '../../core/raceClock.js';

export const API_KEY = 'da2-resolvertests';
export const RACE_SECONDS = 300;

/** A fixed clock for the API: `secondsIn` seconds into the race running now (epoch millis). */
export function clockInRace(secondsIn: number): number {
  return raceStartMillis(raceIdAt(Date.now(), RACE_SECONDS), RACE_SECONDS) + secondsIn * 1000;
}

/** The race running at `now`: subtract from it for the races before. */
export function raceAt(now: number): number {
  return raceIdAt(now, RACE_SECONDS);
}

export interface Api {
  readonly runtime: AppSyncRuntime;
  readonly tableName: string;
  readonly doc: DynamoDBDocumentClient;
  /** The fixed clock of the API (epoch millis). */
  readonly now: number;
  /** Calls an operation with the API key; returns data and errors as AppSync answers them. */
  call<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<{ data: R | null; errors: AppSyncError[] }>;
  /** Calls an operation signed with SigV4 (service appsync) as the local IAM principal. */
  callIam<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<{ data: R | null; errors: AppSyncError[] }>;
  /** Calls an operation with a user-pool token (a rider's ID or access token) in Authorization. */
  callWithToken<R, V>(
    token: string,
    document: TypedDocumentNode<R, V>,
    variables: V,
  ): Promise<{ data: R | null; errors: AppSyncError[] }>;
  /** The riders' pool of the API (signed up and in through `riders`). */
  readonly userPool: CognitoEndpoints;
  readonly riders: RiderAccounts;
  destroy(): void;
}

/** The API over a fresh table (and, if given, a Kinesis stream), with its clock fixed at `now`. */
export async function createApi(opts: {
  /** DynamoDB Local (default: the test run's). */
  ddbEndpoint?: string;
  kinesisEndpoint?: string;
  streamName?: string;
  /** cognito-local (default: the test run's); the riders' pool is found or created there as the local stack does. */
  cognitoEndpoint?: string;
  now: number;
}): Promise<Api> {
  const ddbEndpoint = opts.ddbEndpoint ?? inject('dynamodbEndpoint');
  const { tableName } = await createTestTable(ddbEndpoint);
  const userPool = await ensureUserPool(opts.cognitoEndpoint ?? inject('cognitoEndpoint'));
  const schemaSdl = await readFile(new URL('../../schema.graphql', import.meta.url), 'utf8');
  const runtime = createAppSyncRuntime({
    api: alleycatApiDefinition({
      schema: schemaSdl,
      bundles: await bundleResolvers(),
      dynamodb: { endpoint: ddbEndpoint, tableName },
      ...(opts.kinesisEndpoint ? { kinesisEndpoint: opts.kinesisEndpoint } : {}),
      environmentVariables: {
        TABLE_NAME: tableName,
        STREAM_NAME: opts.streamName ?? 'no-stream',
        RACE_SECONDS: `${RACE_SECONDS}`,
        GRACE_SECONDS: '15',
      },
      auth: {
        apiKeys: [{ id: API_KEY, expiresAt: Math.floor(opts.now / 1000) + 3600 }],
        iam: [{ ...TEST_IAM_CREDENTIALS, accountId: LOCAL_ACCOUNT_ID }],
        userPool: {
          userPoolId: userPool.userPoolId,
          awsRegion: userPool.region,
          appIdClientRegex: userPool.userPoolClientId,
          issuer: `${userPool.endpoint}/${userPool.userPoolId}`,
        },
      },
    }),
    clock: () => opts.now,
    timeoutMs: 2_000,
  });
  const client = localDynamoDb(ddbEndpoint);
  const doc = DynamoDBDocumentClient.from(client);
  const riders = riderAccounts(userPool, TEST_IAM_CREDENTIALS);

  async function send<R>(
    body: string,
    headers: Record<string, string>,
  ): Promise<{ data: R | null; errors: AppSyncError[] }> {
    const parsed = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
    const res = await runtime.execute({ query: parsed.query, variables: parsed.variables, headers, rawBody: body });
    const out = res.body as { data?: R | null; errors?: AppSyncError[] };
    return { data: out.data ?? null, errors: out.errors ?? [] };
  }

  return {
    runtime,
    tableName,
    doc,
    now: opts.now,
    userPool,
    riders,
    call(document, variables) {
      const body = JSON.stringify({ query: print(document as DocumentNode), variables });
      return send(body, { 'x-api-key': API_KEY, 'content-type': 'application/json' });
    },
    async callIam(document, variables) {
      const body = JSON.stringify({ query: print(document as DocumentNode), variables });
      const signer = new SignatureV4({
        credentials: TEST_IAM_CREDENTIALS,
        region: LOCAL_REGION,
        service: 'appsync',
        sha256: Sha256,
      });
      const signed = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: 'http:',
          hostname: '127.0.0.1',
          port: 4000,
          path: '/graphql',
          headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' },
          body,
        }),
        { signingDate: new Date(opts.now) },
      );
      return send(body, signed.headers);
    },
    callWithToken(token, document, variables) {
      const body = JSON.stringify({ query: print(document as DocumentNode), variables });
      return send(body, { authorization: token, 'content-type': 'application/json' });
    },
    destroy() {
      riders.destroy();
      doc.destroy();
      client.destroy();
    },
  };
}

/**
 * The API of one test file, its clock fixed at `now`: created before the
 * file's tests (register this before any hook that uses it), destroyed after
 * them. The answer stands for that API from the first hook on.
 */
export function useApi(now: number): Api {
  let created: Api | undefined;
  beforeAll(async () => {
    created = await createApi({ now });
  });
  afterAll(() => created?.destroy());
  return new Proxy({} as Api, {
    get(_target, key) {
      if (created === undefined) throw new Error('the API is created in beforeAll: use it in a hook or a test');
      return Reflect.get(created, key) as unknown;
    },
  });
}

/** Writes items 25 at a time (BatchWriteItem's limit). */
export async function putItems(api: Api, items: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const chunk = items.slice(i, i + 25);
    let pending: Record<string, unknown>[] | undefined = chunk.map((Item) => ({ PutRequest: { Item } }));
    while (pending && pending.length > 0) {
      const out = await api.doc.send(new BatchWriteCommand({ RequestItems: { [api.tableName]: pending } }));
      pending = out.UnprocessedItems?.[api.tableName] as Record<string, unknown>[] | undefined;
    }
  }
}

/** A unique racerId for this test run (tests share nothing). */
export function rider(label: string): string {
  return `${label}-${randomUUID().slice(0, 6)}`;
}

// ---- Items, exactly as the finalizer, aggregator and all-time consumer write them ----

export function raceSummaryItem(classId: number, raceId: number, s: RaceSummary) {
  return { ...raceKey(classId, raceId), itemType: ITEM_RACE, classId, raceId, ...s };
}

export function resultItem(
  classId: number,
  raceId: number,
  racerId: string,
  output: number,
  extra: { name?: string; finished?: boolean; lastSecond?: number } = {},
) {
  return {
    ...buildResultItem({
      classId,
      raceId,
      racerId,
      output,
      finished: extra.finished ?? true,
      lastSecond: extra.lastSecond ?? RACE_SECONDS,
      ...(extra.name === undefined ? {} : { name: extra.name }),
    }),
  };
}

export function allTimeItem(racerId: string, classId: number, s: Omit<AllTimeStats, 'classId'> & { name?: string }) {
  return {
    ...allTimeKey(racerId, classId),
    itemType: ITEM_ALLTIME,
    racerId,
    classId,
    ...s,
    ...allTimeIndexKeys(racerId, classId, s.bestOutput, s.totalOutput),
  };
}

/**
 * A LivePart item as the aggregator writes it (core/livePart.ts: riders as one
 * JSON string); `legacyMap` writes the riders as a map instead, as some stored
 * parts hold them.
 */
export function livePartItem(
  classId: number,
  raceId: number,
  shardId: string,
  riders: Record<string, { output: number; second: number; name?: string; flags?: number }>,
  updatedAt: string,
  legacyMap = false,
) {
  const item = buildLivePartItem({ classId, raceId, shardId, riders, version: 1, updatedAt });
  return legacyMap ? { ...item, riders } : { ...item };
}

/**
 * Publishes a race's board from its stored parts as the aggregator's
 * publisher does (functions/aggregator/publishBoards.ts): read every part, rank,
 * store the board the live queries read. Returns the ranked entries.
 */
export async function publishBoard(api: Api, classId: number, raceId: number, updatedAt: string) {
  const snapshot = await readLiveSnapshot(api.doc, api.tableName, classId, raceId);
  const entries = rankRiders(snapshot.parts);
  const top = capSnapshot({ classId, raceId, updatedAt, entries });
  const stored = await storeLiveBoard(
    api.doc,
    api.tableName,
    { classId, raceId, updatedAt, entries },
    snapshot.progress,
    top.entries.length,
  );
  return { entries, topRiders: top.entries.length, stored: stored.stored };
}

/**
 * A closed race's results as its close writes them: every rider's result,
 * ranked, then the race's head; `output(i)` is the output of `racerIds[i]`,
 * each finished. Returns the ranked results.
 */
export async function putRaceResults(
  api: Api,
  race: { classId: number; raceId: number },
  racerIds: readonly string[],
  output: (i: number) => number,
): Promise<ResultItem[]> {
  const results = withRanks(
    racerIds.map((racerId, i) =>
      buildResultItem({ ...race, racerId, output: output(i), lastSecond: RACE_SECONDS, finished: true }),
    ),
  );
  await putItems(api, [
    ...results.map((r) => ({ ...r })),
    { ...buildRaceHead(race, results, new Date(api.now).toISOString()) },
  ]);
  return results;
}

/** A race's whole ranking as raceResults answers it, read in pages of 50 from the top. */
export async function readRaceResults(
  api: Api,
  race: { classId: number; raceId: number },
): Promise<Array<{ racerId: string; rank: number }>> {
  const pages = await allPages(async (nextToken) => {
    const { data } = await api.call(RaceResultsDocument, { ...race, limit: 50, nextToken });
    return data?.raceResults;
  });
  return pages.flat().map((r) => ({ racerId: r.racerId, rank: r.rank }));
}

/** Follows nextToken from the first page to the last; returns the items of each page. */
export async function allPages<T>(
  fetchPage: (nextToken: string | null) => Promise<{ items: T[]; nextToken?: string | null } | undefined>,
  maxPages = 50,
): Promise<T[][]> {
  const pages: T[][] = [];
  let nextToken: string | null = null;
  do {
    const page: { items: T[]; nextToken?: string | null } | undefined = await fetchPage(nextToken);
    if (!page) throw new Error('the query answered no page');
    pages.push(page.items);
    nextToken = page.nextToken ?? null;
  } while (nextToken !== null && pages.length < maxPages);
  return pages;
}
