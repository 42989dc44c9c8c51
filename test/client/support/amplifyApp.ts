/**
 * A Node app written against Amplify JS v6 as AWS documents it, run as a
 * process of its own: `generateClient` from 'aws-amplify/api' for queries,
 * mutations and subscriptions; Amplify Auth's `signIn` (USER_PASSWORD_AUTH)
 * for the rider; IAM through Amplify's own credentials-provider option. It
 * knows nothing of the local stack beyond the endpoints in its plan
 * (support/runClientApp.ts hands it over), and trusts the stack's CA only the way any
 * Node program can be told to: NODE_EXTRA_CA_CERTS, which Node reads once at
 * start-up (so the test sets it on this process, never on itself).
 *
 * Node 20 has no global WebSocket: `ws` stands in for it, as AWS tells Node
 * users to do. Prints one JSON line: what each step saw (`AmplifyAppReport`).
 */
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { fetchAuthSession, signIn, signOut } from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { Hub } from 'aws-amplify/utils';
import WebSocket from 'ws';
import { clientAppPlan } from './runClientApp.js';

/** What the test hands the app. */
export interface AmplifyAppPlan {
  graphqlUrl: string;
  region: string;
  apiKey: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  cognito: { endpoint: string; userPoolId: string; userPoolClientId: string };
  rider: { username: string; password: string };
  /** Snapshots the app publishes with IAM, one per class; it subscribes to each class first. */
  publish: { apiKeySubscriber: LiveSnapshot; iamSubscriber: LiveSnapshot };
  telemetry: { raceId: number; classId: number; deviceTimestamp: number };
  /** `query-only`: one API-key query, nothing else (to see what a client without the CA gets). */
  mode: 'full' | 'query-only';
}

export interface LiveSnapshot {
  classId: number;
  raceId: number;
  updatedAt: string;
  entries: { rank: number; racerId: string; name: string | null; output: number; second: number }[];
}

/** A step's outcome: its data, or the errors (GraphQL errors, or the thrown error's name and message). */
export type Outcome = { data: unknown } | { errors: unknown[] } | { thrown: { name: string; message: string } };

export interface AmplifyAppReport {
  raceClasses: Outcome;
  published?: { apiKeySubscriber: Outcome; iamSubscriber: Outcome };
  received?: { apiKey: unknown[]; iam: unknown[]; errors: unknown[] };
  publishWithApiKey?: Outcome;
  queryWithIam?: Outcome;
  signIn?: { isSignedIn: boolean; nextStep: string; tokenUsername: unknown };
  /** With Amplify's default for user pools: the access token. */
  recordTelemetry?: Outcome;
  /** With the ID token in `Authorization`, as Amplify documents for an API that reads profile claims. */
  recordTelemetryWithIdToken?: Outcome;
  recordTelemetryForAnother?: Outcome;
  /** query-only: the code of the error under Node's fetch failure, when there is one. */
  fetchFailureCause?: unknown;
}

const LIVE_FIELDS = 'classId raceId updatedAt entries { rank racerId name output second }';
const RACE_CLASSES = /* GraphQL */ `
  query RaceClasses {
    raceClasses {
      classId
      name
    }
  }
`;
const PUBLISH = /* GraphQL */ `mutation Publish($input: LiveRankingsInput!) { publishLiveRankings(input: $input) { ${LIVE_FIELDS} } }`;
const ON_LIVE = /* GraphQL */ `subscription OnLive($classId: Int!) { onLiveRankings(classId: $classId) { ${LIVE_FIELDS} } }`;
const RECORD = /* GraphQL */ `
  mutation Record($records: [TelemetryInput!]!) {
    recordTelemetry(records: $records) {
      accepted
      failed
      records {
        index
        sequenceNumber
        shardId
        errorCode
      }
    }
  }
`;

function isGraphqlResult(v: unknown): v is { data?: unknown; errors?: unknown[] } {
  return typeof v === 'object' && v !== null && ('data' in v || 'errors' in v);
}

/**
 * Amplify resolves a result, and rejects with the result when it has errors.
 * (`client.graphql` is typed as a promise or an observable for a document given
 * as a string; queries and mutations answer with a promise.)
 */
async function outcome(run: () => unknown): Promise<Outcome> {
  try {
    const result = await Promise.resolve(run());
    return isGraphqlResult(result) && result.errors?.length
      ? { errors: result.errors }
      : { data: (result as { data: unknown }).data };
  } catch (error) {
    if (isGraphqlResult(error) && Array.isArray(error.errors)) return { errors: error.errors };
    const e = error instanceof Error ? error : new Error(String(error));
    return { thrown: { name: e.name, message: e.message } };
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

async function main(plan: AmplifyAppPlan): Promise<AmplifyAppReport> {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
  const authConfig = {
    Cognito: {
      userPoolId: plan.cognito.userPoolId,
      userPoolClientId: plan.cognito.userPoolClientId,
      userPoolEndpoint: plan.cognito.endpoint,
    },
  };
  Amplify.configure(
    {
      API: {
        GraphQL: { endpoint: plan.graphqlUrl, region: plan.region, defaultAuthMode: 'apiKey', apiKey: plan.apiKey },
      },
      Auth: authConfig,
    },
    {
      // Amplify's documented way to bring IAM credentials of one's own (instead of an identity pool);
      // user-pool tokens still come from Amplify's own Cognito token provider.
      Auth: {
        tokenProvider: cognitoUserPoolsTokenProvider,
        credentialsProvider: {
          getCredentialsAndIdentityId: () => Promise.resolve({ credentials: { ...plan.credentials } }),
          clearCredentialsAndIdentityId: () => undefined,
        },
      },
    },
  );
  cognitoUserPoolsTokenProvider.setAuthConfig(authConfig);
  const client = generateClient();

  const report: AmplifyAppReport = {
    raceClasses: await outcome(() => client.graphql({ query: RACE_CLASSES })),
  };
  if (plan.mode === 'query-only') {
    // Amplify says only "A network error has occurred."; Node's fetch says why.
    report.fetchFailureCause = await fetch(plan.graphqlUrl, { method: 'POST' }).then(
      () => null,
      (error: unknown) => ((error as { cause?: { code?: unknown } }).cause ?? {}).code ?? String(error),
    );
    return report;
  }

  // Subscriptions over wss://, one per auth mode; the app waits for AppSync's start_ack of each (a Hub event).
  const acked = new Set<number>();
  const stopListening = Hub.listen('api', ({ payload }) => {
    const data = payload.data as { variables?: { classId?: number } } | undefined;
    if (payload.event === 'Subscription ack' && typeof data?.variables?.classId === 'number')
      acked.add(data.variables.classId);
  });
  const received = { apiKey: [] as unknown[], iam: [] as unknown[], errors: [] as unknown[] };
  const subscribe = (classId: number, authMode: 'apiKey' | 'iam', into: unknown[]) =>
    (
      client.graphql({ query: ON_LIVE, variables: { classId }, authMode }) as unknown as {
        subscribe(o: { next(v: { data: unknown }): void; error(e: unknown): void }): { unsubscribe(): void };
      }
    ).subscribe({
      next: ({ data }) => into.push(data),
      error: (e) => received.errors.push(e instanceof Error ? e.message : e),
    });
  const { apiKeySubscriber, iamSubscriber } = plan.publish;
  const subscriptions = [
    subscribe(apiKeySubscriber.classId, 'apiKey', received.apiKey),
    subscribe(iamSubscriber.classId, 'iam', received.iam),
  ];
  await waitUntil(() => acked.has(apiKeySubscriber.classId) && acked.has(iamSubscriber.classId), 20_000);

  report.published = {
    apiKeySubscriber: await outcome(() =>
      client.graphql({ query: PUBLISH, variables: { input: apiKeySubscriber }, authMode: 'iam' }),
    ),
    iamSubscriber: await outcome(() =>
      client.graphql({ query: PUBLISH, variables: { input: iamSubscriber }, authMode: 'iam' }),
    ),
  };
  await waitUntil(() => received.apiKey.length > 0 && received.iam.length > 0, 15_000);
  // A moment more, so that anything delivered twice or to the wrong subscriber would show.
  await new Promise((r) => setTimeout(r, 500));
  report.received = received;
  for (const s of subscriptions) s.unsubscribe();
  stopListening();

  report.publishWithApiKey = await outcome(() =>
    client.graphql({ query: PUBLISH, variables: { input: apiKeySubscriber }, authMode: 'apiKey' }),
  );
  report.queryWithIam = await outcome(() => client.graphql({ query: RACE_CLASSES, authMode: 'iam' }));

  const signedIn = await signIn({
    username: plan.rider.username,
    password: plan.rider.password,
    options: { authFlowType: 'USER_PASSWORD_AUTH' },
  });
  const session = await fetchAuthSession();
  report.signIn = {
    isSignedIn: signedIn.isSignedIn,
    nextStep: signedIn.nextStep.signInStep,
    tokenUsername: session.tokens?.idToken?.payload['cognito:username'],
  };
  const record = (racerId: string, second: number) => ({
    raceId: plan.telemetry.raceId,
    classId: plan.telemetry.classId,
    racerId,
    second,
    power: 180,
    cadence: 85,
    output: second * 0.18,
    event: 'update',
    deviceTimestamp: plan.telemetry.deviceTimestamp + second * 1000,
  });
  report.recordTelemetry = await outcome(() =>
    client.graphql({ query: RECORD, variables: { records: [record(plan.rider.username, 0)] }, authMode: 'userPool' }),
  );
  const idToken = session.tokens?.idToken?.toString() ?? '';
  report.recordTelemetryWithIdToken = await outcome(() =>
    client.graphql(
      { query: RECORD, variables: { records: [record(plan.rider.username, 1)] }, authMode: 'userPool' },
      { Authorization: idToken },
    ),
  );
  report.recordTelemetryForAnother = await outcome(() =>
    client.graphql({ query: RECORD, variables: { records: [record('someone-else', 2)] }, authMode: 'userPool' }),
  );
  await signOut();
  return report;
}

main(clientAppPlan<AmplifyAppPlan>()).then(
  (report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    // Amplify keeps timers of its own (token refresh, reconnection monitor): the app is done.
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
