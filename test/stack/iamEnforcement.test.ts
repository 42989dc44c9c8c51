/**
 * The local stack enforces the roles CDK synthesizes: every DynamoDB call of
 * the functions and of the table data source, and every Kinesis call of the
 * Kinesis data source, goes through the IAM check with its role's own keys.
 * The adversaries: a function calling what its role does not grant, a data
 * source role used for writes, a function's role session calling an IAM-only
 * GraphQL field its role is not granted `appsync:GraphQL` on, a stolen key id
 * without its secret, an unknown key. Then a whole race runs with not one
 * refused call. Last, a function whose role stops allowing its mapping to
 * read (Lambda's pollers call with the function's role, at every call).
 */
import { describe, expect, it } from 'vitest';
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { GetShardIteratorCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { TelemetryRecord } from '../../core/telemetry.js';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AllTimeRankingsDocument, RaceResultsDocument } from '../../client/generated/operations.js';
import { raceIdAt } from '../../core/raceClock.js';
import { TABLE_ACTIONS } from '../../infra/constructs/Pipeline.js';
import { RESOLVER_TABLE_ACTIONS } from '../../infra/constructs/ReadOnlyTableDataSource.js';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../../local/credentials.js';
import type { RolePrincipal } from '../../local/iam/principal.js';
import { sleep } from '../support/eventually.js';
import { untilNextRaceStart, untilRaceSecond } from '../support/raceStart.js';
import { useScratchStack } from '../support/useScratchStack.js';
import { withIam } from '../security/support/clients.js';
import { missingPollerPermissions } from '../../local/esm/executionRole.js';
import { PollerAccessDeniedError } from '../../local/esm/errors.js';
import type { RunningMapping } from '../../local/esm/eventSourceMapping.js';
import type { MappingEvent } from '../../local/esm/types.js';
import { executionRoleOf } from '../../local/stack/stackIam.js';
import { deadLetterQueueArn } from '../../local/stack/deadLetterQueues.js';
import { STREAM } from '../../infra/settings.js';

const RACE_SECONDS = 4;
const TABLE_ARN = `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/alleycat`;
const STREAM_ARN = `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stream/alleycat-telemetry`;

function dynamodbAs(endpoint: string, p: { accessKeyId: string; secretAccessKey: string }): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: p, maxAttempts: 1 });
}

function kinesisAs(endpoint: string, p: { accessKeyId: string; secretAccessKey: string }): KinesisClient {
  return new KinesisClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: p,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
}

async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await call;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('the call was allowed');
}

const denial = (p: RolePrincipal, action: string, resource: string) =>
  `User: arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/${p.roleName}/${p.sessionName} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;

describe('IAM on the local stack', () => {
  const local = useScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: 1 });
  const key = { PK: { S: 'RACE#1#1' }, SK: { S: 'SUMMARY' } };

  it('reads each role from the synthesized stack', () => {
    const tableActions = (p: RolePrincipal) =>
      p.statements
        .filter((s) => s.Resource === TABLE_ARN)
        .flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : [...s.Action]))
        .sort();
    for (const name of ['aggregator', 'finalizer', 'allTime'] as const) {
      expect(tableActions(local.stack.iam.functions[name])).toEqual([...TABLE_ACTIONS[name]].sort());
      expect(local.stack.iam.functions[name].sessionName).toBe(name);
    }
    const table = local.stack.iam.dataSources.table.statements.flatMap((s) => [s.Action].flat());
    expect(table.sort()).toEqual([...RESOLVER_TABLE_ACTIONS].sort());
  });

  it("each mapping's pollers read with its function's role: each role reads its own stream only", () => {
    const kinesisArn = `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stream/alleycat-telemetry`;
    const tableStream = local.stack.mappings.find((m) => m.name === 'allTime')?.mapping.metrics().eventSourceArn ?? '';
    expect(tableStream).toMatch(/:table\/alleycat\/stream\//);
    const missing = (name: 'aggregator' | 'finalizer' | 'allTime', kind: 'kinesis' | 'dynamodb', arn: string) =>
      missingPollerPermissions(kind, arn, executionRoleOf(local.stack.iam.functions[name]));
    // The stack started: CreateEventSourceMapping's check passed for the roles CDK synthesizes.
    expect(missing('aggregator', 'kinesis', kinesisArn)).toEqual([]);
    expect(missing('finalizer', 'kinesis', kinesisArn)).toEqual([]);
    expect(missing('allTime', 'dynamodb', tableStream)).toEqual([]);
    // A role is not granted the other stream: such a mapping would be refused.
    expect(missing('allTime', 'kinesis', kinesisArn)).toContain('kinesis:GetRecords');
    expect(missing('aggregator', 'dynamodb', tableStream)).toContain('dynamodb:GetRecords');
    // Each may send a discarded batch's metadata to its own dead-letter queue, and to no other.
    const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID };
    for (const name of ['aggregator', 'finalizer', 'allTime'] as const) {
      const role = executionRoleOf(local.stack.iam.functions[name]);
      for (const queue of ['aggregator', 'finalizer', 'allTime'] as const)
        expect(role.allows('sqs:SendMessage', deadLetterQueueArn(queue, scope)), `${name} to ${queue}`).toBe(
          queue === name,
        );
    }
  });

  it("refuses a function's call its role does not grant, in AWS's shape", async () => {
    const aggregator = local.stack.iam.functions.aggregator;
    const ddb = dynamodbAs(local.stack.iam.dynamodb.endpoint, aggregator);
    try {
      const denied = await refusal(ddb.send(new DeleteItemCommand({ TableName: 'alleycat', Key: key })));
      expect(denied).toEqual({
        name: 'AccessDeniedException',
        message: denial(aggregator, 'dynamodb:DeleteItem', TABLE_ARN),
        status: 400,
      });
      const scan = await refusal(ddb.send(new ScanCommand({ TableName: 'alleycat' })));
      expect(scan.message).toBe(denial(aggregator, 'dynamodb:Scan', TABLE_ARN));
      // Granted actions on another table are not granted.
      const other = await refusal(ddb.send(new GetItemCommand({ TableName: 'other', Key: key })));
      expect(other.message).toBe(
        denial(aggregator, 'dynamodb:GetItem', `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/other`),
      );
      // What it grants reaches DynamoDB Local.
      const got = await ddb.send(new GetItemCommand({ TableName: 'alleycat', Key: key }));
      expect(got.Item).toBeUndefined();
    } finally {
      ddb.destroy();
    }
  });

  it('the data sources: the table role only reads, the Kinesis role only puts records', async () => {
    const tableRole = local.stack.iam.dataSources.table;
    const ddb = dynamodbAs(local.stack.iam.dynamodb.endpoint, tableRole);
    const kinesisRole = local.stack.iam.dataSources.kinesis;
    const kinesis = kinesisAs(local.stack.iam.kinesis.endpoint, kinesisRole);
    try {
      const put = await refusal(ddb.send(new PutItemCommand({ TableName: 'alleycat', Item: key })));
      expect(put.message).toBe(denial(tableRole, 'dynamodb:PutItem', TABLE_ARN));
      const byIndex = await ddb.send(
        new QueryCommand({
          TableName: 'alleycat',
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :p',
          ExpressionAttributeValues: { ':p': { S: 'nothing' } },
        }),
      );
      expect(byIndex.Count).toBe(0);
      const streamArn = `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stream/alleycat-telemetry`;
      const read = await refusal(
        kinesis.send(
          new GetShardIteratorCommand({
            StreamName: 'alleycat-telemetry',
            ShardId: 'shardId-000000000000',
            ShardIteratorType: 'LATEST',
          }),
        ),
      );
      expect(read).toMatchObject({
        name: 'AccessDeniedException',
        message: denial(kinesisRole, 'kinesis:GetShardIterator', streamArn),
      });
      const elsewhere = await refusal(
        kinesis.send(
          new PutRecordsCommand({ StreamName: 'another', Records: [{ Data: new Uint8Array([1]), PartitionKey: 'a' }] }),
        ),
      );
      expect(elsewhere.name).toBe('AccessDeniedException');
    } finally {
      ddb.destroy();
      kinesis.destroy();
    }
  });

  it("appsync:GraphQL: a role session may use only the root fields its role is granted, refused in AppSync's shape", async () => {
    const updatedAt = new Date().toISOString();
    const entries = [{ rank: 1, racerId: 'iam-rider', output: 1.5, second: 3 }];
    const rankings = {
      query: 'mutation P($input: LiveRankingsInput!) { publishLiveRankings(input: $input) { classId raceId } }',
      variables: { input: { classId: 2, raceId: 7, updatedAt, entries } },
    };
    const band = {
      query: 'mutation B($input: LiveBandInput!) { publishLiveBand(input: $input) { band totalRiders } }',
      variables: { input: { classId: 2, raceId: 7, updatedAt, band: 0, totalRiders: 1, entries } },
    };
    const as = (p: RolePrincipal, op: { query: string; variables: Record<string, unknown> }) =>
      withIam(local.stack.endpoints.graphqlUrl, { ...p, region: LOCAL_REGION }, op.query, op.variables);

    // The aggregator publishes both the whole board and its bands: its role is granted both fields.
    const aggregator = local.stack.iam.functions.aggregator;
    expect(await as(aggregator, rankings)).toEqual({
      status: 200,
      body: { data: { publishLiveRankings: { classId: 2, raceId: 7 } } },
    });
    expect(await as(aggregator, band)).toEqual({
      status: 200,
      body: { data: { publishLiveBand: { band: 0, totalRiders: 1 } } },
    });
    // The other functions' roles have no appsync:GraphQL: a signature that verifies is not enough.
    for (const name of ['finalizer', 'allTime'] as const) {
      for (const [field, op] of [
        ['publishLiveRankings', rankings],
        ['publishLiveBand', band],
      ] as const) {
        const refused = await as(local.stack.iam.functions[name], op);
        expect(refused.status).toBe(200);
        expect(refused.body.data).toEqual({ [field]: null });
        expect(refused.body.errors).toEqual([
          expect.objectContaining({
            path: [field],
            errorType: 'Unauthorized',
            message: `Not Authorized to access ${field} on type Mutation`,
          }),
        ]);
      }
    }
    // Each refusal is logged as the proxies log theirs.
    expect(local.stack.iam.deniedCalls).toContainEqual(
      denial(
        local.stack.iam.functions.finalizer,
        'appsync:GraphQL',
        `arn:aws:appsync:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:apis/local/types/Mutation/fields/publishLiveBand`,
      ),
    );
    // The stack's own key pair (the operator's) is limited by no policy.
    const operator = await withIam(
      local.stack.endpoints.graphqlUrl,
      { ...local.stack.endpoints.credentials, region: LOCAL_REGION },
      band.query,
      band.variables,
    );
    expect(operator.body.errors).toBeUndefined();
  });

  it('a key id without its secret, or an unknown key, never reaches the emulator', async () => {
    const before = local.stack.iam.dynamodb.allowed;
    const forged = dynamodbAs(local.stack.iam.dynamodb.endpoint, {
      accessKeyId: local.stack.iam.functions.finalizer.accessKeyId,
      secretAccessKey: 'guessed-guessed-guessed-guessed-guessed-0',
    });
    const unknown = dynamodbAs(local.stack.iam.dynamodb.endpoint, { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' });
    try {
      expect((await refusal(forged.send(new GetItemCommand({ TableName: 'alleycat', Key: key })))).name).toBe(
        'InvalidSignatureException',
      );
      expect((await refusal(unknown.send(new GetItemCommand({ TableName: 'alleycat', Key: key })))).name).toBe(
        'UnrecognizedClientException',
      );
      expect(local.stack.iam.dynamodb.allowed).toBe(before);
    } finally {
      forged.destroy();
      unknown.destroy();
    }
  });

  it('a whole race runs through the check without one refused call', async () => {
    const deniedBefore = local.stack.iam.deniedCalls.length;
    const allowedBefore = local.stack.iam.dynamodb.allowed;
    const raceId = await untilNextRaceStart(RACE_SECONDS);
    for (let s = 0; s <= RACE_SECONDS; s += 1) {
      const event = s === RACE_SECONDS ? ('final' as const) : ('update' as const);
      const records = ['iam-a', 'iam-b'].map((racerId, i) => ({
        raceId,
        classId: 5,
        racerId,
        second: s,
        power: 200 + i,
        output: (0.2 + i / 10) * s,
        event,
        deviceTimestamp: Date.now(),
      }));
      expect((await local.riders.send({ records })).recordTelemetry.failed).toBe(0);
      await untilRaceSecond(raceId, RACE_SECONDS, s + 1);
    }
    // Keep the stream going until the race closes (the close comes with a finalizer invocation).
    let results: string[] = [];
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && results.length < 2) {
      const now = Date.now();
      await local.riders.send({
        records: [
          {
            raceId: raceIdAt(now, RACE_SECONDS),
            classId: 1,
            racerId: 'iam-other',
            second: 1,
            power: 1,
            output: 0.1,
            event: 'update',
            deviceTimestamp: now,
          },
        ],
      });
      const found = await local.client.query(RaceResultsDocument, { classId: 5, raceId, limit: 10 });
      results = found.raceResults.items.map((r) => r.racerId);
      await sleep(1000);
    }
    expect(results).toEqual(['iam-b', 'iam-a']);
    // The all-time consumer applies the unflagged ones and builds the class's ranking heads from the indexes.
    const closed = await local.client.query(RaceResultsDocument, { classId: 5, raceId, limit: 10 });
    const counted = closed.raceResults.items.filter((r) => r.flags.length === 0).map((r) => r.racerId);
    expect(counted.length).toBeGreaterThan(0);
    let allTime: string[] = [];
    for (const until = Date.now() + 30_000; Date.now() < until && allTime.length < counted.length; ) {
      const found = await local.client.query(AllTimeRankingsDocument, { classId: 5 });
      allTime = found.allTimeRankings.items.map((r) => r.racerId);
      if (allTime.length < counted.length) await sleep(500);
    }
    expect(allTime).toEqual(counted);
    expect(local.stack.iam.dynamodb.allowed).toBeGreaterThan(allowedBefore);
    expect(local.stack.iam.kinesis.allowed).toBeGreaterThan(0);
    expect(local.stack.iam.deniedCalls.slice(deniedBefore)).toEqual([]);
  });

  it("a role that stops allowing kinesis:GetRecords stops its mapping reading, in AWS's words; the other mapping on the stream reads on", async () => {
    const mappingOf = (name: 'aggregator' | 'finalizer'): RunningMapping => {
      const found = local.stack.mappings.find((m) => m.name === name);
      if (!found) throw new Error(`no ${name} mapping`);
      return found.mapping;
    };
    const aggregator = mappingOf('aggregator');
    const finalizer = mappingOf('finalizer');
    const recordsRead = (m: RunningMapping) => m.metrics().shards.reduce((n, sh) => n + sh.recordsRead, 0);
    const role = local.stack.iam.functions.aggregator;
    const granted = [...role.statements];
    const withoutGetRecords = granted
      .map((st) => ({ ...st, Action: [st.Action].flat().filter((a) => a !== 'kinesis:GetRecords') }))
      .filter((st) => st.Action.length > 0);
    const deniedShards = new Set<string>();
    const onEvent = (e: MappingEvent) => {
      if (e.type === 'readError' && e.error instanceof PollerAccessDeniedError) deniedShards.add(e.shardId);
    };
    aggregator.events.on('event', onEvent);
    // A trusted producer's records (as the simulator's --via kinesis), straight onto the stream.
    const producer = kinesisAs(local.stack.endpoints.kinesis.endpoint, local.stack.endpoints.credentials);
    const send = async (n: number) => {
      const now = Date.now();
      const records: TelemetryRecord[] = Array.from({ length: n }, (_, i) => ({
        raceId: raceIdAt(now, RACE_SECONDS),
        classId: 1,
        racerId: `iam-revoked-${i}`,
        second: 1,
        power: 1,
        output: 0.1,
        event: 'update',
        deviceTimestamp: now,
      }));
      const out = await producer.send(
        new PutRecordsCommand({
          StreamName: local.stack.endpoints.kinesis.streamName,
          Records: records.map((r) => ({ Data: Buffer.from(JSON.stringify(r)), PartitionKey: r.racerId })),
        }),
      );
      expect(out.FailedRecordCount ?? 0).toBe(0);
    };
    const until = async (check: () => boolean, what: string, ms = 30_000) => {
      for (const end = Date.now() + ms; !check(); await sleep(100)) if (Date.now() > end) throw new Error(what);
    };

    local.stack.iam.putRoleStatements('aggregator', withoutGetRecords);
    let readBefore = 0;
    try {
      // Every shard's poller meets the denial at its next read (about once a second).
      await until(() => deniedShards.size === STREAM.localShardCount, 'every shard denied');
      readBefore = recordsRead(aggregator);
      const finalizerBefore = recordsRead(finalizer);
      await send(20);
      await until(() => recordsRead(finalizer) >= finalizerBefore + 20, 'the finalizer read the records');
      await sleep(1500);
      expect(recordsRead(aggregator)).toBe(readBefore);
      const refusal = denial(role, 'kinesis:GetRecords', STREAM_ARN);
      expect(aggregator.metrics()).toMatchObject({
        state: 'Enabled',
        stateTransitionReason: 'User action',
        lastProcessingResult: `PROBLEM: AccessDeniedException: ${refusal}`,
      });
      expect(local.stack.iam.deniedCalls).toContain(refusal);
      expect(finalizer.metrics().lastProcessingResult).not.toMatch(/^PROBLEM/);
    } finally {
      local.stack.iam.putRoleStatements('aggregator', granted);
      aggregator.events.off('event', onEvent);
      producer.destroy();
    }
    // Allowed again: the pollers resume where they stopped, and the withheld records are read.
    await until(() => recordsRead(aggregator) >= readBefore + 20, 'the aggregator read the withheld records');
  });
});
