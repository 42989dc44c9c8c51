/**
 * Apollo Client 4 with AWS's auth and subscription links, unchanged, against
 * the REAL local stack's HTTPS and WSS endpoints: API-key query, API-key and
 * IAM subscriptions, IAM publishes (test/client/officialAwsClient.test.ts runs
 * the same client over plain HTTP, frame by frame). The app runs as a child
 * process with NODE_EXTRA_CA_CERTS naming the stack's CA (Node reads it only
 * at start-up; support/runClientApp.ts).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACE_CLASSES } from '../../core/raceClasses.js';
import type { LocalStack } from '../../local/stack/startLocalStack.js';
import { startScratchStack } from '../../local/stack/startScratchStack.js';
import type { ApolloAppPlan, ApolloAppReport } from './support/apolloApp.js';
import { runClientApp } from './support/runClientApp.js';

const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'apolloApp.ts');
let stack: LocalStack;

beforeAll(async () => {
  stack = await startScratchStack();
});
afterAll(async () => {
  await stack?.stop();
});

function snapshot(classId: number, raceId: number) {
  return {
    classId,
    raceId,
    updatedAt: '2026-12-01T10:00:05.000Z',
    entries: [{ rank: 1, racerId: `rider-${classId}`, name: 'Ada', output: 42.5, second: 40 }],
  };
}

/** As Apollo returns it: `__typename` on every selection set. */
const typed = (s: ReturnType<typeof snapshot>) => ({
  __typename: 'LiveRankings',
  ...s,
  entries: s.entries.map((e) => ({ __typename: 'LiveEntry', ...e })),
});

describe('Apollo 4 with aws-appsync-auth-link and aws-appsync-subscription-link over HTTPS and WSS', () => {
  it('queries, and receives IAM publishes on API-key and IAM subscriptions over wss://', async () => {
    const e = stack.endpoints;
    const plan: ApolloAppPlan = {
      graphqlUrl: e.tls.graphqlUrl,
      region: e.region,
      apiKey: e.apiKey,
      credentials: e.credentials,
      publish: { apiKeySubscriber: snapshot(4, 901), iamSubscriber: snapshot(5, 902) },
      classes: { apiKeySubscriber: 4, iamSubscriber: 5 },
    };
    const { code, report, output } = await runClientApp<ApolloAppReport>(APP, plan, {
      NODE_EXTRA_CA_CERTS: e.tls.caFile,
    });
    expect(code, output).toBe(0);
    expect(report.raceClasses).toEqual({
      raceClasses: RACE_CLASSES.map((c) => ({ __typename: 'RaceClass', classId: c.classId, name: c.name })),
    });
    // Each client's links opened their socket on the stack's wss:// URL.
    expect(report.handshakeUrls).toEqual([e.tls.realtimeUrl, e.tls.realtimeUrl]);
    expect(report.published).toEqual([
      { publishLiveRankings: typed(snapshot(4, 901)) },
      { publishLiveRankings: typed(snapshot(5, 902)) },
    ]);
    expect(report.received).toEqual({
      apiKey: [{ onLiveRankings: typed(snapshot(4, 901)) }],
      iam: [{ onLiveRankings: typed(snapshot(5, 902)) }],
      errors: [],
    });
  }, 180_000);
});
