import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY } from './support/graphqlBackend.js';
import { liveRankingsBackend, liveRankingsInput, ON_LIVE_RANKINGS, PUBLISH } from './support/liveRankingsBackend.js';
import {
  connectWithApiKey,
  startMessage,
  subscribe,
  startRealtime,
  type RealtimeFixture,
} from './support/realtimeFixture.js';

describe('start, data, stop and the errors of the real-time protocol', () => {
  const backend = liveRankingsBackend();
  let fixture: RealtimeFixture;
  beforeAll(async () => {
    fixture = await startRealtime(backend, { maxSubscriptionsPerConnection: 5, maxMessageBytes: 4096 });
  });
  afterAll(async () => fixture.close());

  it('acks a start, delivers data for matching mutations and completes on stop', async () => {
    const socket = await connectWithApiKey(fixture);
    socket.send(startMessage(fixture, 'sub-1', ON_LIVE_RANKINGS, { classId: 3 }));
    expect(await socket.nextOf('start_ack', 'sub-1')).toEqual({ type: 'start_ack', id: 'sub-1' });

    await backend.mutate(PUBLISH, { input: liveRankingsInput(3, 2) });
    const data = await socket.nextOf('data', 'sub-1');
    expect(data).toEqual({
      type: 'data',
      id: 'sub-1',
      payload: {
        data: {
          onLiveRankings: {
            classId: 3,
            raceId: 100,
            updatedAt: '2026-11-23T03:00:00.000Z',
            entries: [
              { rank: 1, racerId: 'racer-00001', output: 21 },
              { rank: 2, racerId: 'racer-00002', output: 10.5 },
            ],
          },
        },
      },
    });

    socket.send({ type: 'stop', id: 'sub-1' });
    expect(await socket.nextOf('complete', 'sub-1')).toEqual({ type: 'complete', id: 'sub-1' });
    await backend.mutate(PUBLISH, { input: liveRankingsInput(3, 1) });
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.ofType('data')).toHaveLength(1);
    socket.close();
  });

  it('refuses a second active subscription with the same id', async () => {
    const socket = await connectWithApiKey(fixture);
    await subscribe(socket, fixture, 'dup', ON_LIVE_RANKINGS, { classId: 1 });
    socket.send(startMessage(fixture, 'dup', ON_LIVE_RANKINGS, { classId: 2 }));
    expect(await socket.nextOf('error', 'dup')).toEqual({
      type: 'error',
      id: 'dup',
      payload: { errors: [{ errorType: 'DuplicatedOperationError', message: 'Duplicate subscription ID: dup' }] },
    });
    // The first subscription is untouched.
    await backend.mutate(PUBLISH, { input: liveRankingsInput(1, 1) });
    await socket.nextOf('data', 'dup');
    socket.close();
  });

  it('refuses subscriptions beyond the per-connection limit', async () => {
    const socket = await connectWithApiKey(fixture);
    for (let i = 0; i < 5; i += 1) await subscribe(socket, fixture, `s${i}`, ON_LIVE_RANKINGS, { classId: i + 1 });
    socket.send(startMessage(fixture, 's5', ON_LIVE_RANKINGS, { classId: 6 }));
    expect((await socket.nextOf('error', 's5')).payload).toEqual({
      errors: [{ errorType: 'MaxSubscriptionsReachedError', message: 'Max number of 5 subscriptions reached' }],
    });
    // A stop frees a slot.
    socket.send({ type: 'stop', id: 's0' });
    await socket.nextOf('complete', 's0');
    await subscribe(socket, fixture, 's6', ON_LIVE_RANKINGS, { classId: 6 });
    socket.close();
  });

  it('answers garbage frames and unknown message types with UnsupportedOperation and stays usable', async () => {
    const socket = await connectWithApiKey(fixture);
    socket.send('this is not json');
    socket.send('[1,2,3]');
    socket.send({
      type: 'subscribe',
      id: 'x',
      payload: { query: 'subscription { onLiveRankings(classId: 1) { classId } }' },
    });
    socket.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    await socket.next(() => socket.ofType('error').length >= 4);
    for (const error of socket.ofType('error')) {
      expect(error).toEqual({
        type: 'error',
        payload: {
          errors: [
            { errorType: 'UnsupportedOperation', message: 'unknown not supported through the realtime channel' },
          ],
        },
      });
    }
    await subscribe(socket, fixture, 'after-garbage', ON_LIVE_RANKINGS, { classId: 4 });
    socket.close();
  });

  it('answers oversize messages with LimitExceededError; far larger frames close only that socket', async () => {
    const socket = await connectWithApiKey(fixture);
    socket.send({ type: 'start', id: 'big', payload: { data: 'x'.repeat(5000) } });
    expect((await socket.nextOf('error')).payload).toEqual({
      errors: [{ errorType: 'LimitExceededError', message: 'Message size exceeds the limit of 4096 bytes' }],
    });
    await subscribe(socket, fixture, 'still-alive', ON_LIVE_RANKINGS, { classId: 5 });

    const other = await connectWithApiKey(fixture);
    other.send('y'.repeat(4096 * 4 + 1));
    expect((await other.closed).code).toBe(1009);
    await subscribe(socket, fixture, 'still-alive-2', ON_LIVE_RANKINGS, { classId: 5 });
    socket.close();
  });

  it('refuses malformed starts, invalid queries and non-subscription operations with errors carrying the id', async () => {
    const socket = await connectWithApiKey(fixture);
    socket.send({ type: 'start', id: 'no-data', payload: { data: { query: 'subscription { x }' } } });
    expect((await socket.nextOf('error', 'no-data')).payload).toEqual({
      errors: [{ errorType: 'BadRequestException', message: 'start payload.data must be a JSON string' }],
    });

    socket.send(startMessage(fixture, 'bad-field', 'subscription { onNothing { classId } }'));
    expect((await socket.nextOf('error', 'bad-field')).payload).toEqual({
      errors: [{ errorType: 'ValidationError', message: 'Cannot query field "onNothing" on type "Subscription".' }],
    });

    socket.send(startMessage(fixture, 'syntax', 'subscription {'));
    expect((await socket.nextOf('error', 'syntax')).payload).toMatchObject({
      errors: [{ errorType: 'ValidationError' }],
    });

    socket.send(startMessage(fixture, 'missing-var', ON_LIVE_RANKINGS, {}));
    expect((await socket.nextOf('error', 'missing-var')).payload).toEqual({
      errors: [
        { errorType: 'ValidationError', message: 'Variable "$classId" of required type "Int!" was not provided.' },
      ],
    });

    socket.send(startMessage(fixture, 'query', '{ raceClasses { classId } }'));
    expect((await socket.nextOf('error', 'query')).payload).toEqual({
      errors: [{ errorType: 'UnsupportedOperation', message: 'Operation not supported through the realtime channel' }],
    });

    // Refused ids are not taken: the id can be reused for a valid start.
    await subscribe(socket, fixture, 'query', ON_LIVE_RANKINGS, { classId: 2 });
    socket.close();
  });

  it('checks each start authorization separately', async () => {
    const socket = await connectWithApiKey(fixture);
    socket.send({
      type: 'start',
      id: 'no-auth',
      payload: { data: JSON.stringify({ query: ON_LIVE_RANKINGS, variables: { classId: 1 } }) },
    });
    expect((await socket.nextOf('error', 'no-auth')).payload).toEqual({
      errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }],
    });
    socket.send(startMessage(fixture, 'bad-key', ON_LIVE_RANKINGS, { classId: 1 }, 'da2-nope'));
    expect((await socket.nextOf('error', 'bad-key')).payload).toMatchObject({
      errors: [{ errorType: 'UnauthorizedException' }],
    });
    socket.send(startMessage(fixture, 'good', ON_LIVE_RANKINGS, { classId: 1 }, TEST_API_KEY));
    await socket.nextOf('start_ack', 'good');
    socket.close();
  });

  it('releases every subscription of a closed connection', async () => {
    const own = await startRealtime(backend);
    const socket = await connectWithApiKey(own);
    await subscribe(socket, own, 'a', ON_LIVE_RANKINGS, { classId: 1 });
    await subscribe(socket, own, 'b', ON_LIVE_RANKINGS, { classId: 2 });
    expect(own.attachment.server.stats()).toEqual({ subscriptions: 2, groups: 2 });
    socket.close();
    await socket.closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(own.attachment.server.stats()).toEqual({ subscriptions: 0, groups: 0 });
    expect(own.attachment.server.connectionCount()).toBe(0);
    await own.close();
  });
});
