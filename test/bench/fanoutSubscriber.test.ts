/**
 * The fan-out benchmark's lean WebSocket client (bench/fanoutSubscriber.ts)
 * decides what counts as a receipt: these tests run it against the real
 * real-time endpoint.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSubscriber, type SubscriberSocket } from '../../bench/fanoutSubscriber.js';
import { TEST_API_KEY } from '../realtime/support/graphqlBackend.js';
import { liveRankingsBackend, liveRankingsInput, PUBLISH } from '../realtime/support/liveRankingsBackend.js';
import { base64Json, startMessage, startRealtime, type RealtimeFixture } from '../realtime/support/realtimeFixture.js';
import { until } from '../support/eventually.js';

const QUERY = `subscription S($classId: Int!) { onLiveRankings(classId: $classId) { raceId entries { rank racerId } } }`;

interface Recorded {
  expected: number;
  others: string[];
  closes: string[];
}

async function subscribed(fixture: RealtimeFixture, id: string): Promise<{ socket: SubscriberSocket; seen: Recorded }> {
  const seen: Recorded = { expected: 0, others: [], closes: [] };
  const path = `/graphql/realtime?header=${encodeURIComponent(
    base64Json({ host: fixture.host, 'x-api-key': TEST_API_KEY }),
  )}&payload=e30=`;
  const socket = await openSubscriber(fixture.port, path, {
    onExpected: () => (seen.expected += 1),
    onOther: (message) => seen.others.push(message.toString()),
    onClose: (reason) => seen.closes.push(reason),
  });
  socket.sendText('{"type":"connection_init"}');
  await until(() => seen.others.some((m) => m.startsWith('{"type":"connection_ack"')));
  socket.sendText(JSON.stringify(startMessage(fixture, id, QUERY, { classId: 2 })));
  await until(() => seen.others.includes(`{"type":"start_ack","id":"${id}"}`));
  seen.others.length = 0;
  return { socket, seen };
}

function expectedFor(id: string, input: ReturnType<typeof liveRankingsInput>) {
  const payload = {
    data: {
      onLiveRankings: { raceId: input.raceId, entries: input.entries.map(({ rank, racerId }) => ({ rank, racerId })) },
    },
  };
  return {
    envelope: Buffer.from(`{"type":"data","id":${JSON.stringify(id)},"payload":`),
    rest: Buffer.from(`${JSON.stringify(payload)}}`),
  };
}

describe('fan-out benchmark subscriber', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('counts a data message as received only when every byte equals the expected message, and keeps it when asked', async () => {
    const backend = liveRankingsBackend();
    const fixture = await startRealtime(backend);
    cleanups.push(() => fixture.close());
    const { socket, seen } = await subscribed(fixture, 'sub-1');

    const big = liveRankingsInput(2, 3000, 7);
    socket.expect(expectedFor('sub-1', big), true);
    await backend.mutate(PUBLISH, { input: big });
    await until(() => seen.expected === 1);
    const kept = socket.takeKept();
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0]!.toString())).toMatchObject({
      type: 'data',
      id: 'sub-1',
      payload: { data: { onLiveRankings: { raceId: 7 } } },
    });
    expect(seen.others).toEqual([]);

    // A message that differs in one byte deep inside (the last entry) is handed over in full instead.
    const published = liveRankingsInput(2, 3000, 8);
    const differing = {
      ...published,
      entries: published.entries.map((e, i) => (i === 2999 ? { ...e, racerId: 'racer-0300X' } : e)),
    };
    socket.expect(expectedFor('sub-1', differing), false);
    await backend.mutate(PUBLISH, { input: published });
    await until(() => seen.others.length === 1);
    expect(seen.expected).toBe(1);
    expect(JSON.parse(seen.others[0]!)).toEqual({
      type: 'data',
      id: 'sub-1',
      payload: JSON.parse(expectedFor('sub-1', published).rest.toString().slice(0, -1)),
    });

    // Someone else's envelope, or a shorter message, is not a receipt either.
    socket.expect(expectedFor('sub-2', published), false);
    await backend.mutate(PUBLISH, { input: published });
    const small = liveRankingsInput(2, 2, 9);
    socket.expect(
      { ...expectedFor('sub-1', small), rest: Buffer.from(`${expectedFor('sub-1', small).rest.toString()} `) },
      false,
    );
    await backend.mutate(PUBLISH, { input: small });
    await until(() => seen.others.length === 3);
    expect(seen.expected).toBe(1);
    expect(seen.closes).toEqual([]);
    socket.destroy();
  });

  it('reports the server closing the connection', async () => {
    const backend = liveRankingsBackend();
    const fixture = await startRealtime(backend);
    const { seen } = await subscribed(fixture, 'sub-3');
    await fixture.close();
    await until(() => seen.closes.length > 0);
    expect(seen.closes[0]).toMatch(/^close frame 1001|connection closed/);
  });
});
