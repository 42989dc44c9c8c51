/**
 * The fan-out writes each data message as one pre-framed WebSocket text frame
 * (frame header + the subscriber's own envelope + the group's shared payload,
 * in one writev). These tests read the raw frames off the TCP socket.
 */
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { liveRankingsBackend, liveRankingsInput, ON_LIVE_RANKINGS, PUBLISH } from './support/liveRankingsBackend.js';
import { connectWithApiKey, startRealtime, subscribe, type TestSocket } from './support/realtimeFixture.js';
import { until } from '../support/eventually.js';

interface Frame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/** Collects the raw bytes the server sends on `socket` from now on. */
function tapFrames(socket: TestSocket): () => Frame[] {
  const chunks: Buffer[] = [];
  (socket.ws as unknown as { _socket: Socket })._socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => {
    const bytes = Buffer.concat(chunks);
    const frames: Frame[] = [];
    let at = 0;
    while (at + 2 <= bytes.length) {
      const first = bytes[at] as number;
      const second = bytes[at + 1] as number;
      const short = second & 0x7f;
      const headerLength = short === 126 ? 4 : short === 127 ? 10 : 2;
      const length =
        short === 126 ? bytes.readUInt16BE(at + 2) : short === 127 ? Number(bytes.readBigUInt64BE(at + 2)) : short;
      if (at + headerLength + length > bytes.length) break;
      frames.push({
        fin: (first & 0x80) !== 0,
        opcode: first & 0x0f,
        masked: (second & 0x80) !== 0,
        payload: bytes.subarray(at + headerLength, at + headerLength + length),
      });
      at += headerLength + length;
    }
    return frames;
  };
}

/** The event as the subscription ON_LIVE_RANKINGS selects it (entries { rank racerId output }). */
function selected(input: ReturnType<typeof liveRankingsInput>) {
  return {
    data: {
      onLiveRankings: {
        classId: input.classId,
        raceId: input.raceId,
        updatedAt: input.updatedAt,
        entries: input.entries.map(({ rank, racerId, output }) => ({ rank, racerId, output })),
      },
    },
  };
}

describe('fan-out frames', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('sends every subscriber one unmasked, unfragmented text frame: its own envelope, then the shared payload byte for byte', async () => {
    const backend = liveRankingsBackend();
    const fixture = await startRealtime(backend);
    cleanups.push(() => fixture.close());
    // Ids of different lengths, one needing JSON escapes and one with multi-byte UTF-8 (frame lengths count bytes).
    const ids = ['a', 'sub-10', 'q"uote\\d', 'über-✓-🚲', 'x'.repeat(120)];
    const subscribers: Array<{ id: string; socket: TestSocket; frames: () => Frame[] }> = [];
    for (const id of ids) {
      const socket = await connectWithApiKey(fixture);
      await subscribe(socket, fixture, id, ON_LIVE_RANKINGS, { classId: 4 });
      subscribers.push({ id, socket, frames: tapFrames(socket) });
    }
    // Small (7-bit length), medium (16-bit length) and large (64-bit length) payloads.
    const inputs = [liveRankingsInput(4, 0, 1), liveRankingsInput(4, 20, 2), liveRankingsInput(4, 1500, 3)];
    for (const input of inputs) await backend.mutate(PUBLISH, { input });

    for (const { id, socket, frames } of subscribers) {
      await until(() => socket.ofType('data').length === inputs.length);
      const dataFrames = frames().filter((f) => f.payload.subarray(0, 14).toString() === '{"type":"data"');
      expect(dataFrames).toHaveLength(inputs.length);
      dataFrames.forEach((frame, i) => {
        expect(frame).toMatchObject({ fin: true, opcode: 1, masked: false });
        const expected = `{"type":"data","id":${JSON.stringify(id)},"payload":${JSON.stringify(selected(inputs[i]!))}}`;
        expect(frame.payload.equals(Buffer.from(expected))).toBe(true);
      });
      socket.close();
    }
    const lengths = new Set(subscribers.flatMap(({ frames }) => frames().map((f) => f.payload.length)));
    expect(Math.max(...lengths)).toBeGreaterThan(65_535);
  });
});
