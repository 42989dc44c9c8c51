/**
 * A projected event's payload depends on the selection and the auth mode, not
 * on the subscription's variables: groups that differ only in them (each
 * viewer's own band) get one encoding, byte for byte what each would get
 * alone. When the projection steps aside, graphql-js runs per group with that
 * group's own variables.
 */
import { describe, expect, it } from 'vitest';
import { createSubscriptionIndex, type Subscription } from '../../local/appsync/realtime/subscriptionIndex.js';
import { createSubscriptionPreparer } from '../../local/appsync/realtime/prepareSubscription.js';
import { readSubscriptionLinks } from '../../local/appsync/realtime/schemaLinks.js';
import { appSyncSchema } from './support/graphqlBackend.js';

const schema = appSyncSchema(`
  type Entry { rank: Int! name: String }
  type Band @aws_api_key @aws_iam { classId: Int! band: Int! entries: [Entry!]! }
  type Query { x: Int }
  type Mutation { publishBand(classId: Int!, band: Int!): Band }
  type Subscription {
    onBand(classId: Int!, band: Int): Band @aws_subscribe(mutations: ["publishBand"])
  }
`);
const QUERY = `subscription S($classId: Int!, $band: Int) { onBand(classId: $classId, band: $band) { classId band entries { rank name } } }`;

function setup() {
  const prepare = createSubscriptionPreparer(schema);
  const index = createSubscriptionIndex({
    schema,
    links: readSubscriptionLinks(schema, 'API_KEY'),
    isAllowed: () => true,
    maxEventBytes: 240 * 1024,
    warn: () => undefined,
  });
  const received = new Map<string, Uint8Array[]>();
  const owner = {
    deliver(subscription: Subscription, body: Uint8Array) {
      received.set(subscription.id, [...(received.get(subscription.id) ?? []), body]);
    },
    invalidated: () => undefined,
  };
  const subscribe = (id: string, variables: Record<string, unknown>) => {
    const prepared = prepare(JSON.stringify({ query: QUERY, variables }));
    if ('errorType' in prepared) throw new Error(prepared.message);
    return index.add(owner, id, prepared, 'API_KEY', undefined, undefined);
  };
  return { index, received, subscribe };
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('one encoding per projected selection', () => {
  it('shares the bytes across subscriptions whose variables differ, each getting what it asked', () => {
    const { index, received, subscribe } = setup();
    subscribe('any-band', { classId: 1 });
    subscribe('band-3', { classId: 1, band: 3 });
    subscribe('band-4', { classId: 1, band: 4 });
    const band = {
      classId: 1,
      band: 3,
      entries: [
        { rank: 151, name: null },
        { rank: 152, name: 'B' },
      ],
    };
    const report = index.publish({
      fieldName: 'publishBand',
      parentTypeName: 'Mutation',
      data: band,
      invalidations: [],
    });
    expect(report).toMatchObject({ groupsMatched: 2, delivered: 2 });
    expect(received.has('band-4')).toBe(false);
    const [a] = received.get('any-band') ?? [];
    const [b] = received.get('band-3') ?? [];
    expect(a).toBe(b);
    expect(JSON.parse(`{"payload":${text(a)}`)).toEqual({ payload: { data: { onBand: band } } });
  });

  it('lets graphql-js answer each group with its own variables when the projection steps aside', () => {
    const { index, received, subscribe } = setup();
    subscribe('any-band', { classId: 1 });
    subscribe('band-3', { classId: 1, band: 3 });
    // A null in a non-null field: graphql-js reports it as AppSync's error shape.
    const broken = { classId: 1, band: 3, entries: [{ rank: null, name: 'A' }] };
    index.publish({ fieldName: 'publishBand', parentTypeName: 'Mutation', data: broken, invalidations: [] });
    for (const id of ['any-band', 'band-3']) {
      const payload = JSON.parse(`{"payload":${text(received.get(id)?.[0])}`) as {
        payload: { data: unknown; errors: Array<{ message: string; path: unknown[] }> };
      };
      expect(payload.payload.data).toEqual({ onBand: null });
      expect(payload.payload.errors[0]?.message).toMatch(/non-nullable field Entry\.rank/);
      expect(payload.payload.errors[0]?.path).toEqual(['onBand', 'entries', 0, 'rank']);
    }
    expect(received.get('any-band')?.[0]).not.toBe(received.get('band-3')?.[0]);
  });
});
