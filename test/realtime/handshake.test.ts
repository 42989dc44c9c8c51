import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_API_KEY } from './support/graphqlBackend.js';
import { liveRankingsBackend } from './support/liveRankingsBackend.js';
import { apiKeyUrl, base64Json, openSocket, startRealtime, type RealtimeFixture } from './support/realtimeFixture.js';

// The same rules whether the socket came over plain HTTP or TLS (the stack serves both from one core).
describe.each(['ws', 'wss'] as const)('real-time handshake over %s', (transport) => {
  let fixture: RealtimeFixture;
  beforeAll(async () => {
    fixture = await startRealtime(liveRankingsBackend(), { keepAliveIntervalMs: 150 }, 0, transport);
  });
  afterAll(async () => fixture.close());

  it('refuses an upgrade without the graphql-ws subprotocol', async () => {
    await expect(openSocket(apiKeyUrl(fixture), [])).rejects.toThrow(/HTTP 400.*graphql-ws subprotocol is required/);
    await expect(openSocket(apiKeyUrl(fixture), ['graphql-transport-ws'])).rejects.toThrow(/HTTP 400/);
  });

  it('selects graphql-ws and acks connection_init with connectionTimeoutMs 300000, then a ka', async () => {
    const socket = await openSocket(apiKeyUrl(fixture));
    expect(socket.ws.protocol).toBe('graphql-ws');
    socket.send({ type: 'connection_init' });
    await socket.nextOf('ka');
    expect(socket.messages[0]).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    expect(socket.messages[1]).toEqual({ type: 'ka' });
    socket.close();
  });

  it('keeps sending ka at the configured interval', async () => {
    const socket = await openSocket(apiKeyUrl(fixture));
    socket.send({ type: 'connection_init' });
    await socket.next(() => socket.ofType('ka').length >= 4, 3_000);
    expect(socket.ofType('ka').length).toBeGreaterThanOrEqual(4);
    socket.close();
  });

  it('accepts the header object in a header-<base64url> subprotocol', async () => {
    const encoded = base64Json({ host: fixture.host, 'x-api-key': TEST_API_KEY })
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    const socket = await openSocket(fixture.realtimeUrl, ['graphql-ws', `header-${encoded}`]);
    expect(socket.ws.protocol).toBe('graphql-ws');
    socket.send({ type: 'connection_init' });
    expect((await socket.nextOf('connection_ack')).payload).toEqual({ connectionTimeoutMs: 300000 });
    socket.close();
  });

  it('accepts plain HTTP headers on the upgrade request', async () => {
    const socket = await openSocket(fixture.realtimeUrl, ['graphql-ws'], { 'x-api-key': TEST_API_KEY });
    socket.send({ type: 'connection_init' });
    await socket.nextOf('connection_ack');
    socket.close();
  });

  it('answers an unknown API key with connection_error 401 and closes the socket', async () => {
    const socket = await openSocket(apiKeyUrl(fixture, 'da2-wrong'));
    socket.send({ type: 'connection_init' });
    const error = await socket.nextOf('connection_error');
    expect(error).toEqual({
      type: 'connection_error',
      payload: {
        errors: [
          { errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 },
        ],
      },
    });
    expect((await socket.closed).code).toBe(1008);
    expect(socket.ofType('connection_ack')).toHaveLength(0);
  });

  it('answers a handshake without any auth (or an undecodable header) with connection_error', async () => {
    const bare = await openSocket(fixture.realtimeUrl);
    bare.send({ type: 'connection_init' });
    expect((await bare.nextOf('connection_error')).payload).toMatchObject({ errors: [{ errorCode: 401 }] });
    const garbled = await openSocket(`${fixture.realtimeUrl}?header=%%%notbase64&payload=e30=`);
    garbled.send({ type: 'connection_init' });
    expect((await garbled.nextOf('connection_error')).payload).toMatchObject({
      errors: [{ errorType: 'UnauthorizedException' }],
    });
    await Promise.all([bare.closed, garbled.closed]);
  });

  it('ignores start messages sent before connection_ack', async () => {
    const socket = await openSocket(apiKeyUrl(fixture));
    socket.send({
      id: 'early',
      type: 'start',
      payload: {
        data: '{"query":"subscription { onLiveRankings(classId: 1) { classId } }"}',
        extensions: { authorization: { host: fixture.host, 'x-api-key': TEST_API_KEY } },
      },
    });
    socket.send({ type: 'connection_init' });
    await socket.nextOf('ka');
    await new Promise((r) => setTimeout(r, 100));
    expect(socket.messages.filter((m) => m.id === 'early')).toEqual([]);
    socket.close();
  });

  it('closes connections when their lifetime is over', async () => {
    const short = await startRealtime(liveRankingsBackend(), { maxConnectionLifetimeMs: 200 }, 0, transport);
    const socket = await openSocket(apiKeyUrl(short));
    socket.send({ type: 'connection_init' });
    await socket.nextOf('connection_ack');
    const closed = await socket.closed;
    expect(closed.code).toBe(1000);
    expect(closed.reason).toBe('Connection lifetime exceeded');
    expect(short.attachment.server.connectionCount()).toBe(0);
    await short.close();
  });

  it(`serves ${transport}:// URLs`, () => {
    expect(fixture.realtimeUrl).toMatch(new RegExp(`^${transport}://127\\.0\\.0\\.1:\\d+/graphql/realtime$`));
  });

  it('leaves other upgrade paths alone', async () => {
    await expect(openSocket(fixture.realtimeUrl.replace('/graphql/realtime', '/other'))).rejects.toThrow();
  });
});
