import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublishReport } from '../../local/appsync/realtime/subscriptionIndex.js';
import { liveRankingsBackend, liveRankingsInput, ON_LIVE_RANKINGS, PUBLISH } from './support/liveRankingsBackend.js';
import { connectWithApiKey, subscribe, startRealtime, type TestSocket } from './support/realtimeFixture.js';

describe('fan-out', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function fixtureWith(options: Parameters<typeof startRealtime>[1] = {}) {
    const backend = liveRankingsBackend();
    const fixture = await startRealtime(backend, options);
    const reports: PublishReport[] = [];
    fixture.attachment.server.onPublish((r) => reports.push(r));
    cleanups.push(() => fixture.close());
    return { backend, fixture, reports };
  }

  it('executes and serializes once per distinct (query, variables, filter) group, not per subscriber', async () => {
    const { backend, fixture, reports } = await fixtureWith();
    const sockets: TestSocket[] = [];
    for (let i = 0; i < 20; i += 1) {
      const socket = await connectWithApiKey(fixture);
      await subscribe(socket, fixture, `sub-${i}`, ON_LIVE_RANKINGS, { classId: i % 2 === 0 ? 1 : 2 });
      sockets.push(socket);
    }
    expect(fixture.attachment.server.stats()).toEqual({ subscriptions: 20, groups: 2 });
    // The ops view's per-class figure.
    expect(fixture.attachment.server.subscriptionsByArgument('classId')).toEqual({ '1': 10, '2': 10 });

    await backend.mutate(PUBLISH, { input: liveRankingsInput(1, 3) });
    expect(reports.at(-1)).toEqual({ groupsMatched: 1, delivered: 10, oversized: 0, invalidated: 0 });
    const received = await Promise.all(
      sockets.filter((_, i) => i % 2 === 0).map((s, i) => s.nextOf('data', `sub-${i * 2}`)),
    );
    expect(new Set(received.map((m) => JSON.stringify(m.payload))).size).toBe(1);
    for (const s of sockets) s.close();
  });

  it('drops events above the 240 KB payload limit and keeps delivering smaller ones', async () => {
    const { backend, fixture, reports } = await fixtureWith();
    const socket = await connectWithApiKey(fixture);
    await subscribe(socket, fixture, 'big', ON_LIVE_RANKINGS, { classId: 1 });
    await backend.mutate(PUBLISH, { input: liveRankingsInput(1, 5000) });
    expect(reports.at(-1)).toMatchObject({ groupsMatched: 1, delivered: 0, oversized: 1 });
    expect(fixture.warnings.some((w) => /onLiveRankings: event of \d+ bytes dropped \(limit 245760\)/.test(w))).toBe(
      true,
    );
    await backend.mutate(PUBLISH, { input: liveRankingsInput(1, 10) });
    const data = await socket.nextOf('data', 'big');
    expect(
      (data.payload as { data: { onLiveRankings: { entries: unknown[] } } }).data.onLiveRankings.entries,
    ).toHaveLength(10);
    socket.close();
  });

  it('closes a consumer whose send buffer passes its bound, without stalling the others', async () => {
    const { backend, fixture } = await fixtureWith({ maxBufferedBytes: 256 * 1024, slowConsumerGraceMs: 100 });
    const slow = await connectWithApiKey(fixture);
    const healthy = await connectWithApiKey(fixture);
    await subscribe(slow, fixture, 'slow', ON_LIVE_RANKINGS, { classId: 1 });
    await subscribe(healthy, fixture, 'healthy', ON_LIVE_RANKINGS, { classId: 1 });
    // The slow client stops reading from its TCP socket.
    (slow.ws as unknown as { _socket: Socket })._socket.pause();

    const events = 150;
    for (let i = 0; i < events && fixture.attachment.server.connectionCount() === 2; i += 1) {
      await backend.mutate(PUBLISH, { input: liveRankingsInput(1, 2000, i) });
      // Let the healthy client (same process) read between events, as a real one would.
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(fixture.attachment.server.connectionCount()).toBe(1);
    expect(fixture.warnings.some((w) => w.startsWith('slow consumer'))).toBe(true);
    const published = healthy.messages.length; // acks + ka + data so far
    await healthy.next(() => healthy.ofType('data').length >= 1);
    // The healthy subscriber keeps receiving after the slow one is gone.
    await backend.mutate(PUBLISH, { input: liveRankingsInput(1, 1, 999) });
    await healthy.next(
      (m) =>
        m.type === 'data' &&
        (m.payload as { data: { onLiveRankings: { raceId: number } } }).data.onLiveRankings.raceId === 999,
      10_000,
    );
    expect(healthy.messages.length).toBeGreaterThan(published);
    (slow.ws as unknown as { _socket: Socket })._socket.resume();
    const closed = await slow.closed;
    expect([4429, 1006]).toContain(closed.code);
    healthy.close();
  });
});
