/**
 * A Node app on Apollo Client 4 with AWS's aws-appsync-auth-link and
 * aws-appsync-subscription-link (wired by support/awsAppSyncApollo.ts, as AWS's
 * README wires them), run as a process of its own against the HTTPS GraphQL
 * URL: the links derive wss:// from it. Queries with the API key, subscribes
 * with the API key and with IAM, publishes with IAM. Trusts the stack's CA
 * only through NODE_EXTRA_CA_CERTS (support/runClientApp.ts). Prints one JSON
 * line (`ApolloAppReport`).
 */
import { appSyncApollo, apollo, authLink, recordingWebSocket } from './awsAppSyncApollo.js';
import { clientAppPlan } from './runClientApp.js';

export interface ApolloAppPlan {
  graphqlUrl: string;
  region: string;
  apiKey: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Published with IAM after both subscriptions are acknowledged. */
  publish: { apiKeySubscriber: unknown; iamSubscriber: unknown };
  classes: { apiKeySubscriber: number; iamSubscriber: number };
}

export interface ApolloAppReport {
  raceClasses: unknown;
  handshakeUrls: string[];
  published: unknown[];
  received: { apiKey: unknown[]; iam: unknown[]; errors: unknown[] };
}

const { gql } = apollo;
const { AUTH_TYPE } = authLink;
const LIVE = 'classId raceId updatedAt entries { rank racerId name output second }';
const RACE_CLASSES = gql`
  query RaceClasses {
    raceClasses {
      classId
      name
    }
  }
`;
const ON_LIVE = gql(`subscription OnLive($classId: Int!) { onLiveRankings(classId: $classId) { ${LIVE} } }`);
const PUBLISH = gql(`mutation Publish($input: LiveRankingsInput!) { publishLiveRankings(input: $input) { ${LIVE} } }`);

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

async function main(plan: ApolloAppPlan): Promise<ApolloAppReport> {
  const recorder = recordingWebSocket();
  (globalThis as { WebSocket?: unknown }).WebSocket = recorder.WebSocketClass;
  const base = { url: plan.graphqlUrl, region: plan.region };
  const withApiKey = appSyncApollo({ ...base, auth: { type: AUTH_TYPE.API_KEY, apiKey: plan.apiKey } });
  const withIam = appSyncApollo({ ...base, auth: { type: AUTH_TYPE.AWS_IAM, credentials: plan.credentials } });

  const raceClasses = (await withApiKey.query({ query: RACE_CLASSES, fetchPolicy: 'network-only' })).data;
  const received = { apiKey: [] as unknown[], iam: [] as unknown[], errors: [] as unknown[] };
  const subscribe = (client: typeof withIam, classId: number, into: unknown[]) =>
    client.subscribe({ query: ON_LIVE, variables: { classId } }).subscribe({
      next: (result) => {
        if (result.data) into.push(result.data);
      },
      error: (error: unknown) => received.errors.push(error instanceof Error ? error.message : error),
    });
  const subscriptions = [
    subscribe(withApiKey, plan.classes.apiKeySubscriber, received.apiKey),
    subscribe(withIam, plan.classes.iamSubscriber, received.iam),
  ];
  await waitUntil(
    () => recorder.frames.filter((f) => f.dir === 'in' && f.frame.type === 'start_ack').length >= 2,
    20_000,
  );

  const published = [];
  for (const input of [plan.publish.apiKeySubscriber, plan.publish.iamSubscriber])
    published.push((await withIam.mutate({ mutation: PUBLISH, variables: { input } })).data);
  await waitUntil(() => received.apiKey.length > 0 && received.iam.length > 0, 15_000);
  await new Promise((r) => setTimeout(r, 500));
  for (const s of subscriptions) s.unsubscribe();
  withApiKey.stop();
  withIam.stop();
  return { raceClasses, handshakeUrls: recorder.handshakes.map((h) => h.url), published, received };
}

main(clientAppPlan<ApolloAppPlan>()).then(
  (report) => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
