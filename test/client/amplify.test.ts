/**
 * Amplify JS v6, unchanged, against the REAL local stack over HTTPS and WSS:
 * an app (support/amplifyApp.ts) that queries, mutates and subscribes with
 * the API key and with IAM, signs a rider in with Amplify Auth against the
 * local Cognito (USER_PASSWORD_AUTH, `userPoolEndpoint`) and records
 * telemetry as that rider. Amplify derives its real-time URL from the GraphQL
 * URL and always as wss://, so this is also the proof that the stack's TLS
 * endpoints carry the whole protocol.
 *
 * The app runs as a child process with NODE_EXTRA_CA_CERTS set to the CA file
 * that endpoints.json names: that is how a Node user trusts the local CA, and
 * Node reads the variable only when a process starts, so this test's own
 * worker could not take it on afterwards. Amplify offers no option to pass a
 * CA of one's own to its fetch or WebSocket, and patching https.globalAgent
 * would not reach Node's fetch: the child process is the one honest way. A
 * child without the variable is refused by TLS, which shows the CA is what
 * makes the difference.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACE_CLASSES } from '../../core/raceClasses.js';
import { raceIdAt } from '../../core/raceClock.js';
import { localKinesis } from '../../local/stack/clients.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import { untilJoinable } from '../support/raceStart.js';
import type { AmplifyAppPlan, AmplifyAppReport, LiveSnapshot } from './support/amplifyApp.js';
import { runClientApp } from './support/runClientApp.js';

const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'amplifyApp.ts');
const RIDER = { username: 'amplify-ada', password: 'Pedal-0n!amplify', name: 'Ada Amplify' };

let stack: LocalStack;

/** Short races: the rider rides one from its first seconds (test/support/raceStart.ts) without a long wait. */
const RACE_SECONDS = 30;

beforeAll(async () => {
  stack = await startScratchStack({ raceSeconds: RACE_SECONDS });
  // The rider's account, as the sign-up page would make it; signing in is the app's part.
  const cognito = new CognitoIdentityProviderClient({
    endpoint: stack.endpoints.cognito.endpoint,
    region: stack.endpoints.cognito.region,
    credentials: stack.endpoints.credentials,
  });
  const signedUp = await cognito.send(
    new SignUpCommand({
      ClientId: stack.endpoints.cognito.userPoolClientId,
      Username: RIDER.username,
      Password: RIDER.password,
      UserAttributes: [{ Name: 'name', Value: RIDER.name }],
    }),
  );
  if (signedUp.UserConfirmed !== true)
    await cognito.send(
      new AdminConfirmSignUpCommand({ UserPoolId: stack.endpoints.cognito.userPoolId, Username: RIDER.username }),
    );
  cognito.destroy();
});
afterAll(async () => {
  await stack?.stop();
});

function snapshot(classId: number, raceId: number, racerId: string): LiveSnapshot {
  return {
    classId,
    raceId,
    updatedAt: '2026-12-01T10:00:05.000Z',
    entries: [
      { rank: 1, racerId, name: 'Ada', output: 42.5, second: 40 },
      { rank: 2, racerId: `${racerId}-2`, name: null, output: 40.25, second: 41 },
    ],
  };
}

const runApp = (plan: AmplifyAppPlan, env: Record<string, string>) => runClientApp<AmplifyAppReport>(APP, plan, env);

/** The Kinesis record a recordTelemetry receipt names (its one record's shard and sequence number). */
async function streamRecord(outcome: unknown): Promise<{ partitionKey: string | undefined; data: unknown }> {
  const receipt = (outcome as { data: { recordTelemetry: { records: { sequenceNumber: string; shardId: string }[] } } })
    .data.recordTelemetry.records[0];
  const kinesis = localKinesis(stack.endpoints.kinesis.endpoint);
  try {
    const iterator = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: stack.endpoints.kinesis.streamName,
        ShardId: receipt?.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: receipt?.sequenceNumber,
      }),
    );
    const got = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator, Limit: 1 }));
    const first = got.Records?.[0];
    return {
      partitionKey: first?.PartitionKey,
      data: JSON.parse(Buffer.from(first?.Data ?? new Uint8Array()).toString('utf8')) as unknown,
    };
  } finally {
    kinesis.destroy();
  }
}

function planFor(mode: AmplifyAppPlan['mode']): AmplifyAppPlan {
  const e = stack.endpoints;
  return {
    graphqlUrl: e.tls.graphqlUrl,
    region: e.region,
    apiKey: e.apiKey,
    credentials: e.credentials,
    cognito: e.cognito,
    rider: { username: RIDER.username, password: RIDER.password },
    publish: { apiKeySubscriber: snapshot(2, 777, 'api-key-reader'), iamSubscriber: snapshot(3, 778, 'iam-reader') },
    telemetry: { raceId: raceIdAt(Date.now(), e.raceSeconds), classId: 1, deviceTimestamp: Date.now() },
    mode,
  };
}

describe('Amplify JS v6 (generateClient, Amplify Auth) over the stack’s HTTPS and WSS', () => {
  it('without the CA trusted, TLS refuses the connection: nothing is answered', async () => {
    const { code, report } = await runApp(planFor('query-only'), {});
    expect(code).toBe(0);
    expect(report.raceClasses).toEqual({ errors: [{ message: 'A network error has occurred.' }] });
    expect(report.fetchFailureCause).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  }, 180_000);

  it('with NODE_EXTRA_CA_CERTS: queries, IAM mutations, API-key and IAM subscriptions, and a signed-in rider’s telemetry', async () => {
    // The rider joins a race in its first seconds, as riders do: its calls come well before the join deadline.
    await untilJoinable(RACE_SECONDS, 0, 2);
    const plan = planFor('full');
    const { code, report, output } = await runApp(plan, { NODE_EXTRA_CA_CERTS: stack.endpoints.tls.caFile });
    expect(code, output).toBe(0);

    // API key: the catalog, exactly.
    expect(report.raceClasses).toEqual({
      data: { raceClasses: RACE_CLASSES.map((c) => ({ classId: c.classId, name: c.name })) },
    });

    // IAM mutations answer what they published; each subscriber received exactly its class's snapshot, once.
    const { apiKeySubscriber, iamSubscriber } = plan.publish;
    expect(report.published).toEqual({
      apiKeySubscriber: { data: { publishLiveRankings: apiKeySubscriber } },
      iamSubscriber: { data: { publishLiveRankings: iamSubscriber } },
    });
    expect(report.received).toEqual({
      apiKey: [{ onLiveRankings: apiKeySubscriber }],
      iam: [{ onLiveRankings: iamSubscriber }],
      errors: [],
    });

    // Each field keeps to its auth modes, as Amplify reports AppSync's errors.
    expect(report.publishWithApiKey).toEqual({
      errors: [
        expect.objectContaining({
          errorType: 'Unauthorized',
          message: 'Not Authorized to access publishLiveRankings on type Mutation',
        }),
      ],
    });
    expect(report.queryWithIam).toEqual({
      errors: [
        expect.objectContaining({
          errorType: 'Unauthorized',
          message: 'Not Authorized to access raceClasses on type Query',
        }),
      ],
    });

    // Amplify Auth signed the rider in against the local pool; recordTelemetry took their record with their ID token.
    expect(report.signIn).toEqual({ isSignedIn: true, nextStep: 'DONE', tokenUsername: RIDER.username });
    expect(report.recordTelemetry).toEqual({
      data: {
        recordTelemetry: {
          accepted: 1,
          failed: 0,
          records: [{ index: 0, sequenceNumber: expect.any(String), shardId: expect.any(String), errorCode: null }],
        },
      },
    });
    expect(report.recordTelemetryWithIdToken).toEqual({
      data: {
        recordTelemetry: {
          accepted: 1,
          failed: 0,
          records: [{ index: 0, sequenceNumber: expect.any(String), shardId: expect.any(String), errorCode: null }],
        },
      },
    });
    // Another rider's record is refused, whatever the token.
    expect(report.recordTelemetryForAnother).toEqual({
      errors: [expect.objectContaining({ errorType: 'Unauthorized' })],
    });

    // Both records are on the stream as the rider sent them; only the ID token carries the profile's name.
    const onStream = await Promise.all([
      streamRecord(report.recordTelemetry),
      streamRecord(report.recordTelemetryWithIdToken),
    ]);
    const sent = { racerId: RIDER.username, raceId: plan.telemetry.raceId, classId: 1, power: 180, event: 'update' };
    expect(onStream).toEqual([
      { partitionKey: RIDER.username, data: expect.objectContaining({ ...sent, second: 0, output: 0 }) },
      {
        partitionKey: RIDER.username,
        data: expect.objectContaining({ ...sent, second: 1, output: 0.18, name: RIDER.name }),
      },
    ]);
    expect(onStream[0]?.data).not.toHaveProperty('name');
  }, 180_000);
});
