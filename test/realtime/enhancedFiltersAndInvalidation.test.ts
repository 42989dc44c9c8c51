import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE, messageBackend } from './support/messageBackend.js';
import { TEST_API_KEY } from './support/graphqlBackend.js';
import {
  connectWithApiKey,
  subscribe,
  startRealtime,
  type RealtimeFixture,
  type TestSocket,
} from './support/realtimeFixture.js';

const ON_FILTERED = 'subscription F($roomId: ID) { onFiltered(roomId: $roomId) { id } }';

/** Filters the subscription resolver sets, chosen by the x-test-filter header of each start. */
const FILTERS: Record<string, unknown> = {
  'sport-or-urgent': {
    filterGroup: [
      {
        filters: [
          { fieldName: 'tags', operator: 'contains', value: 'sport' },
          { fieldName: 'author', operator: 'ne', value: 'spammer' },
        ],
      },
      { filters: [{ fieldName: 'priority', operator: 'ge', value: 9 }] },
    ],
  },
  'eu-region': { filterGroup: [{ filters: [{ fieldName: 'meta.region', operator: 'beginsWith', value: 'eu-' }] }] },
  'too-many-in': {
    filterGroup: [{ filters: [{ fieldName: 'author', operator: 'in', value: ['a', 'b', 'c', 'd', 'e', 'f'] }] }],
  },
};

function idsOf(socket: TestSocket, sub: string): string[] {
  return socket.messages
    .filter((m) => m.type === 'data' && m.id === sub)
    .map((m) => (m.payload as { data: { onFiltered: { id: string } } }).data.onFiltered.id);
}

async function start(
  socket: TestSocket,
  fixture: RealtimeFixture,
  id: string,
  headers: Record<string, string>,
  variables: Record<string, unknown> = {},
) {
  socket.send({
    id,
    type: 'start',
    payload: {
      data: JSON.stringify({ query: ON_FILTERED, variables }),
      extensions: { authorization: { host: fixture.host, 'x-api-key': TEST_API_KEY, ...headers } },
    },
  });
  return socket.next((m) => m.id === id && (m.type === 'start_ack' || m.type === 'error'));
}

describe('enhanced filters and invalidation set by the subscription resolver', () => {
  const backend = messageBackend((args, headers) => {
    const choice = headers['x-test-filter'];
    const user = headers['x-test-user'];
    return {
      filter: choice === undefined ? undefined : FILTERS[choice],
      invalidationFilter:
        user === undefined
          ? undefined
          : {
              filterGroup: [
                {
                  filters: [
                    { fieldName: 'userId', operator: 'eq', value: user },
                    { fieldName: 'roomId', operator: 'eq', value: args.roomId ?? null },
                  ],
                },
              ],
            },
      error: choice === 'refuse' ? { errorType: 'Unauthorized', message: 'Not allowed in this room' } : undefined,
    };
  });
  let fixture: RealtimeFixture;
  beforeAll(async () => {
    fixture = await startRealtime(backend);
  });
  afterAll(async () => fixture.close());

  it('delivers events passing any group (AND within, OR across), ignoring the arguments', async () => {
    const socket = await connectWithApiKey(fixture);
    // roomId r1 is an argument, but the resolver's filter takes precedence over it.
    expect(
      (await start(socket, fixture, 'enhanced', { 'x-test-filter': 'sport-or-urgent' }, { roomId: 'r1' })).type,
    ).toBe('start_ack');
    expect((await start(socket, fixture, 'nested', { 'x-test-filter': 'eu-region' })).type).toBe('start_ack');
    await subscribe(socket, fixture, 'args-only', ON_FILTERED, { roomId: 'r1' });

    await backend.mutate(CREATE, { id: 'sport-r2', roomId: 'r2', author: 'ana', body: '.', tags: ['sport'] });
    await backend.mutate(CREATE, { id: 'sport-spam', roomId: 'r1', author: 'spammer', body: '.', tags: ['sport'] });
    await backend.mutate(CREATE, {
      id: 'urgent',
      roomId: 'r3',
      author: 'spammer',
      body: '.',
      priority: 9,
      meta: { region: 'eu-north' },
    });
    await backend.mutate(CREATE, {
      id: 'plain-r1',
      roomId: 'r1',
      author: 'bo',
      body: '.',
      meta: { region: 'us-east' },
    });
    await socket.next(() => socket.ofType('data').length >= 5);
    await new Promise((r) => setTimeout(r, 50));

    expect(idsOf(socket, 'enhanced')).toEqual(['sport-r2', 'urgent']);
    expect(idsOf(socket, 'nested')).toEqual(['urgent']);
    expect(idsOf(socket, 'args-only')).toEqual(['sport-spam', 'plain-r1']);
    socket.close();
  });

  it("refuses a subscription whose filter breaks AppSync's limits, or whose resolver errors", async () => {
    const socket = await connectWithApiKey(fixture);
    expect(await start(socket, fixture, 'limits', { 'x-test-filter': 'too-many-in' })).toEqual({
      type: 'error',
      id: 'limits',
      payload: {
        errors: [
          {
            errorType: 'ValidationError',
            message: 'Invalid subscription filter: in accepts at most 5 values (author)',
          },
        ],
      },
    });
    expect(await start(socket, fixture, 'refused', { 'x-test-filter': 'refuse' })).toEqual({
      type: 'error',
      id: 'refused',
      payload: { errors: [{ errorType: 'Unauthorized', message: 'Not allowed in this room' }] },
    });
    socket.close();
  });

  it('invalidation completes the matching subscriptions and closes their connection', async () => {
    const ana = await connectWithApiKey(fixture);
    const bo = await connectWithApiKey(fixture);
    expect((await start(ana, fixture, 'ana-r1', { 'x-test-user': 'ana' }, { roomId: 'r1' })).type).toBe('start_ack');
    expect((await start(bo, fixture, 'bo-r1', { 'x-test-user': 'bo' }, { roomId: 'r1' })).type).toBe('start_ack');

    await backend.mutate('mutation { removeMember(roomId: "r1", userId: "ana") { roomId userId } }');
    expect(await ana.nextOf('complete', 'ana-r1')).toEqual({ type: 'complete', id: 'ana-r1' });
    expect(await ana.closed).toEqual({ code: 1000, reason: 'Subscription complete.' });

    // Bo is still subscribed and receives events.
    await backend.mutate(CREATE, { id: 'after', roomId: 'r1', body: '.' });
    expect(idsOf(bo, 'bo-r1')).toEqual([]);
    await bo.nextOf('data', 'bo-r1');
    expect(idsOf(bo, 'bo-r1')).toEqual(['after']);
    expect(bo.ofType('complete')).toEqual([]);
    bo.close();
  });
});
