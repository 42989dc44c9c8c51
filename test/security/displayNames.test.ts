/**
 * Display names with control, bidirectional or invisible format characters,
 * or unpaired surrogates, on the real local stack, wherever a name enters:
 * the riders' pool refuses such a sign-up (its PreSignUp trigger), a rider's
 * records carry their profile name whatever name they hold, a profile edited
 * past the trigger is cleaned, and the pipeline drops records that carry a
 * refused name when they come straight through Kinesis.
 */
import { randomUUID } from 'node:crypto';
import {
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raceIdAt } from '../../core/raceClock.js';
import { localKinesis } from '../../local/stack/clients.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { BAD_NAMES } from '../support/badNames.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import { untilJoinable } from '../support/raceStart.js';
import { eventually } from '../support/eventually.js';
import { withApiKey, withToken } from './support/clients.js';

/** Short, so that a test waits little for a race in its join window (test/support/raceStart.ts). */
const RACE_SECONDS = 30;
const CLASS_ID = 5;

const PASSWORD = 'Name-Rule-1!';

let stack: LocalStack;
let cognito: CognitoIdentityProviderClient;

beforeAll(async () => {
  stack = await startScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: 1 });
  cognito = new CognitoIdentityProviderClient({
    endpoint: stack.endpoints.cognito.endpoint,
    region: stack.endpoints.cognito.region,
    credentials: stack.endpoints.credentials,
  });
});
afterAll(async () => {
  cognito?.destroy();
  await stack?.stop();
});

function telemetry(racerId: string, second: number, name?: string): Record<string, unknown> {
  return {
    raceId: raceIdAt(Date.now(), RACE_SECONDS),
    classId: CLASS_ID,
    racerId,
    ...(name === undefined ? {} : { name }),
    second,
    power: 200,
    output: second,
    event: 'update',
    deviceTimestamp: Date.now(),
  };
}

/** A rider signing up in the riders' pool with the stock SDK, as the web app and the AWS CLI do. */
function signUp(racerId: string, name: string): Promise<unknown> {
  return cognito.send(
    new SignUpCommand({
      ClientId: stack.endpoints.cognito.userPoolClientId,
      Username: racerId,
      Password: PASSWORD,
      UserAttributes: [{ Name: 'name', Value: name }],
    }),
  );
}

async function idToken(racerId: string): Promise<string> {
  const out = await cognito.send(
    new InitiateAuthCommand({
      ClientId: stack.endpoints.cognito.userPoolClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: racerId, PASSWORD: PASSWORD },
    }),
  );
  const token = out.AuthenticationResult?.IdToken;
  if (!token) throw new Error(`no ID token for ${racerId}`);
  return token;
}

async function liveName(racerId: string): Promise<string | null> {
  let seen: string | null | undefined;
  return eventually(
    async () => {
      const reply = await withApiKey(
        stack.endpoints.graphqlUrl,
        stack.endpoints.apiKey,
        'query L($c: Int!) { liveRankings(classId: $c) { entries { racerId name } } }',
        { c: CLASS_ID },
      );
      const live = reply.body.data?.liveRankings as { entries: Array<{ racerId: string; name: string | null }> } | null;
      seen = live?.entries.find((e) => e.racerId === racerId)?.name;
      return seen === undefined ? undefined : { name: seen };
    },
    // The board is published once every shard has closed the window or been waited for (two windows).
    Date.now() + 60_000,
    `${racerId} on the live board`,
    () => seen,
  ).then((r) => r.name);
}

describe('names where they enter: sign-up, and recordTelemetry', () => {
  it.each(BAD_NAMES)('refuses a sign-up whose name has a %s', async (_label, name) => {
    await expect(signUp(`bad-${randomUUID().slice(0, 8)}`, name)).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: expect.stringMatching(/name must not contain/),
    });
  });

  it('accepts names in other scripts and with emoji sequences, counted in code points', async () => {
    for (const name of ['Zoë 🚴\u200D\u2640\uFE0F', 'Мария', '🚴'.repeat(40)]) {
      await expect(signUp(`ok-${randomUUID().slice(0, 8)}`, name)).resolves.toMatchObject({ UserConfirmed: true });
    }
    await expect(signUp(`long-${randomUUID().slice(0, 8)}`, '🚴'.repeat(41))).rejects.toMatchObject({
      message: expect.stringMatching(/name must be 1\.\.40 characters/),
    });
  });

  it("shows the profile's name, never the one a record carries", async () => {
    const racerId = `named-${randomUUID().slice(0, 8)}`;
    await signUp(racerId, 'Anna');
    // Signed in before the race starts: the record must arrive within the join window, however slow the sign-in.
    const token = await idToken(racerId);
    await untilJoinable(RACE_SECONDS, 1);
    const reply = await withToken(
      stack.endpoints.graphqlUrl,
      token,
      'mutation T($r: [TelemetryInput!]!) { recordTelemetry(records: $r) { accepted } }',
      { r: [telemetry(racerId, 1, '\u202Enitram')] },
    );
    expect(reply.body.errors).toBeUndefined();
    expect(reply.body.data?.recordTelemetry).toEqual({ accepted: 1 });
    expect(await liveName(racerId)).toBe('Anna');
  }, 120_000);

  it("cleans a profile name changed past the sign-up rule (an administrator's edit)", async () => {
    const racerId = `edited-${randomUUID().slice(0, 8)}`;
    await signUp(racerId, 'Anna');
    await cognito.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: stack.endpoints.cognito.userPoolId,
        Username: racerId,
        UserAttributes: [{ Name: 'name', Value: '\u202EAn\u200Bna\u0007' }],
      }),
    );
    // Signed in before the race starts: the record must arrive within the join window, however slow the sign-in.
    const token = await idToken(racerId);
    await untilJoinable(RACE_SECONDS, 1);
    const reply = await withToken(
      stack.endpoints.graphqlUrl,
      token,
      'mutation T($r: [TelemetryInput!]!) { recordTelemetry(records: $r) { accepted } }',
      { r: [telemetry(racerId, 1)] },
    );
    expect(reply.body.data?.recordTelemetry).toEqual({ accepted: 1 });
    expect(await liveName(racerId)).toBe('Anna');
  }, 120_000);
});

describe('the pipeline, fed straight through Kinesis', () => {
  it('drops every record whose name is refused and keeps the rider’s valid records', async () => {
    const kinesis = localKinesis(stack.endpoints.kinesis.endpoint);
    try {
      // Per rider (one partition key, so one shard, in order): the bad-named record at second 3,
      // then a valid one without a name at second 1. Had the first been kept, its newer second
      // (and its name) would be the rider's entry. Riders join in a race's first seconds.
      await untilJoinable(RACE_SECONDS, 3);
      const values = BAD_NAMES.flatMap(([, name], i) => [
        telemetry(`kin-bad-${i}`, 3, name),
        telemetry(`kin-bad-${i}`, 1),
      ]);
      values.push(telemetry('kin-good', 3, 'Anna'));
      const put = await kinesis.send(
        new PutRecordsCommand({
          StreamName: stack.endpoints.kinesis.streamName,
          Records: values.map((v) => ({
            PartitionKey: v['racerId'] as string,
            Data: Buffer.from(JSON.stringify(v), 'utf8'),
          })),
        }),
      );
      expect(put.FailedRecordCount ?? 0).toBe(0);
      type Entry = { racerId: string; name: string | null; second: number };
      let seen: Entry[] = [];
      const entries = await eventually(
        async () => {
          const reply = await withApiKey(
            stack.endpoints.graphqlUrl,
            stack.endpoints.apiKey,
            'query L($c: Int!) { liveRankings(classId: $c) { entries { racerId name second } } }',
            { c: CLASS_ID },
          );
          const live = reply.body.data?.liveRankings as { entries: Entry[] } | null | undefined;
          seen = live?.entries.filter((e) => e.racerId.startsWith('kin-')) ?? [];
          return seen.length === BAD_NAMES.length + 1 ? seen : undefined;
        },
        Date.now() + 30_000,
        'every rider of the Kinesis records on the live board',
        () => seen,
      );
      expect(entries.find((e) => e.racerId === 'kin-good')).toMatchObject({ name: 'Anna', second: 3 });
      for (const entry of entries.filter((e) => e.racerId !== 'kin-good'))
        expect(entry, entry.racerId).toMatchObject({ name: null, second: 1 });
    } finally {
      kinesis.destroy();
    }
  }, 120_000);
});
