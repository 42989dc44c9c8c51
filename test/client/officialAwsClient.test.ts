/**
 * Compatibility proof: AWS's own AppSync client for Apollo
 * (aws-appsync-auth-link + aws-appsync-subscription-link on @apollo/client),
 * unchanged, subscribes and queries with an API key against the local
 * endpoint. Node 20 has no global WebSocket, so `ws` is installed as one.
 * The IAM publisher is our SDK: aws-appsync-auth-link 4.0.2's ESM build cannot
 * sign under Node's ESM loader (`import * as crypto from "@aws-crypto/sha256-js"`
 * v1 yields no `Sha256` there), a defect of that build, not of the endpoint.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { AUTH_TYPE, createAuthLink } from 'aws-appsync-auth-link';
import { createSubscriptionHandshakeLink } from 'aws-appsync-subscription-link';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createClient } from '../../client/index.js';
import { PublishLiveRankingsDocument } from '../../client/generated/operations.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/credentials.js';
import { TEST_API_KEY } from '../realtime/support/graphqlBackend.js';
import { liveRankingsBackend, liveRankingsInput } from '../realtime/support/liveRankingsBackend.js';
import { startRealtime, type RealtimeFixture } from '../realtime/support/realtimeFixture.js';

const ON_LIVE = gql`
  subscription OnLive($classId: Int!) {
    onLiveRankings(classId: $classId) {
      classId
      raceId
      entries {
        rank
        racerId
        output
      }
    }
  }
`;
const LIVE = gql`
  query Live($classId: Int!) {
    liveRankings(classId: $classId) {
      classId
      raceId
      entries {
        rank
        racerId
      }
    }
  }
`;

function appSyncClient(url: string, auth: Parameters<typeof createAuthLink>[0]['auth']) {
  const config = { url, region: LOCAL_REGION, auth };
  // The links' typings name Apollo's CommonJS build; at run time both are the same ESM classes.
  const httpLink = new HttpLink({ uri: url }) as unknown as Parameters<typeof createSubscriptionHandshakeLink>[1];
  const link = ApolloLink.from([
    createAuthLink(config) as unknown as ApolloLink,
    createSubscriptionHandshakeLink(config, httpLink) as unknown as ApolloLink,
  ]);
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

describe("AWS's AppSync client (aws-appsync-subscription-link + Apollo) against the local endpoint", () => {
  let fixture: RealtimeFixture;
  const previousWebSocket = globalThis.WebSocket;
  beforeAll(async () => {
    (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
    fixture = await startRealtime(liveRankingsBackend());
  });
  afterAll(async () => {
    await fixture.close();
    (globalThis as { WebSocket?: unknown }).WebSocket = previousWebSocket;
  });

  it('subscribes with an API key, receives a mutation published with IAM, then queries', async () => {
    const reader = appSyncClient(fixture.graphqlUrl, { type: AUTH_TYPE.API_KEY, apiKey: TEST_API_KEY });
    const publisher = createClient({
      graphqlUrl: fixture.graphqlUrl,
      auth: { iam: { credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION } },
    });

    const received: unknown[] = [];
    const errors: unknown[] = [];
    const subscription = reader.subscribe({ query: ON_LIVE, variables: { classId: 2 } }).subscribe({
      next: (result) => received.push(result.data),
      error: (error: unknown) => errors.push(error),
    });
    const deadline = Date.now() + 10_000;
    while (fixture.attachment.server.stats().subscriptions === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(fixture.attachment.server.stats().subscriptions).toBe(1);

    const published = await publisher.mutate(PublishLiveRankingsDocument, { input: liveRankingsInput(2, 2, 321) });
    expect(published).toMatchObject({ publishLiveRankings: { classId: 2, raceId: 321 } });

    while (!received.some((d) => d && (d as { onLiveRankings?: unknown }).onLiveRankings) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(errors).toEqual([]);
    expect(received.filter((d) => d && (d as { onLiveRankings?: unknown }).onLiveRankings)).toEqual([
      {
        // Apollo adds __typename to every selection set; the endpoint answers it like AppSync.
        onLiveRankings: {
          __typename: 'LiveRankings',
          classId: 2,
          raceId: 321,
          entries: [
            { __typename: 'LiveEntry', rank: 1, racerId: 'racer-00001', output: 21 },
            { __typename: 'LiveEntry', rank: 2, racerId: 'racer-00002', output: 10.5 },
          ],
        },
      },
    ]);

    const queried = await reader.query({ query: LIVE, variables: { classId: 2 }, fetchPolicy: 'network-only' });
    expect(queried.data).toEqual({
      liveRankings: {
        __typename: 'LiveRankings',
        classId: 2,
        raceId: 321,
        entries: [
          { __typename: 'LiveEntry', rank: 1, racerId: 'racer-00001' },
          { __typename: 'LiveEntry', rank: 2, racerId: 'racer-00002' },
        ],
      },
    });

    subscription.unsubscribe();
    while (fixture.attachment.server.stats().subscriptions > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(fixture.attachment.server.stats().subscriptions).toBe(0);
    reader.stop();
    publisher.close();
  });
});
