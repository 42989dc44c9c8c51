import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveRankingsBackend } from './support/liveRankingsBackend.js';
import { apiKeyUrl, openSocket, startRealtime, type RealtimeFixture } from './support/realtimeFixture.js';

describe('real-time connection_init timeout', () => {
  let fixture: RealtimeFixture;
  beforeAll(async () => {
    fixture = await startRealtime(liveRankingsBackend(), { connectionInitTimeoutMs: 300 });
  });
  afterAll(async () => fixture.close());

  it('closes a socket that never sends connection_init (4408) and frees its slot', async () => {
    const socket = await openSocket(apiKeyUrl(fixture));
    const opened = Date.now();
    const closed = await socket.closed;
    expect(closed.code).toBe(4408);
    expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
    expect(socket.messages).toEqual([]);
    expect(fixture.attachment.server.connectionCount()).toBe(0);
  });

  it('keeps a socket that initialises in time open past the timeout', async () => {
    const socket = await openSocket(apiKeyUrl(fixture));
    socket.send({ type: 'connection_init' });
    await socket.nextOf('connection_ack');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(fixture.attachment.server.connectionCount()).toBe(1);
    socket.close();
    await socket.closed;
  });

  it('counts time from the upgrade: frames other than connection_init do not reset it', async () => {
    const socket = await openSocket(apiKeyUrl(fixture));
    socket.send({ type: 'start', id: 'early', payload: { data: '{}', extensions: { authorization: {} } } });
    expect((await socket.closed).code).toBe(4408);
  });
});
