/**
 * live.meteredMessagesPerViewerWindow: what one viewer of a 1,000-rider class
 * costs per window in AppSync metered real-time messages (one per started
 * 5 KB of an event, per client), measured on the local stack: the simulator's
 * riders (ids and names as it makes them) put on kinesalite, the aggregator
 * behind its local mapping, the local AppSync runtime fanning out to real
 * WebSocket subscribers. Banded viewers subscribe to onLiveBoard for band 0
 * and their own band (the SDK's followLiveBoard); complete-board viewers to
 * onLiveRankings. Both kinds watch the same windows of the same run.
 *
 * Each event's size is its `data` message as the real-time protocol frames it
 * (id, type, payload), computed from what the subscriber received.
 */
import os from 'node:os';
import WebSocket from 'ws';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createClient } from '../client/index.js';
import type { WebSocketConstructorLike } from '../client/websocket.js';
import { OnLiveBoardDocument, OnLiveRankingsDocument } from '../client/generated/operations.js';
import { raceToJoin } from '../core/fairPlay.js';
import { raceSecondAt, raceStartMillis } from '../core/raceClock.js';
import type { TelemetryRecord } from '../core/telemetry.js';
import { chunk } from '../lib/concurrency.js';
import { localKinesis } from '../local/stack/clients.js';
import { startScratchStack } from '../local/stack/startScratchStack.js';
import type { BenchOptions, BenchResult } from './types.js';

const RIDERS = 1000;
const CLASS_ID = 3;
/** Riders start together: the run rides a race from its first seconds (core/fairPlay.ts raceToJoin). */
const RACE_SECONDS = 60;
const WINDOW_SECONDS = 5;
const VIEWERS = 10;
const MESSAGE_BYTES = 5 * 1024;

/** Metered messages of one event of `bytes`. */
const metered = (bytes: number): number => Math.max(1, Math.ceil(bytes / MESSAGE_BYTES));

/** The bytes of a `data` message carrying `field`'s event. */
function frameBytes(field: string, event: unknown): number {
  return Buffer.byteLength(
    JSON.stringify({ id: '00000000-0000-0000-0000-000000000000', type: 'data', payload: { data: { [field]: event } } }),
  );
}

export async function run(opts: BenchOptions): Promise<BenchResult[]> {
  const windows = opts.quick ? 2 : 4;
  const stack = await startScratchStack({ raceSeconds: RACE_SECONDS, windowSeconds: WINDOW_SECONDS });
  const client = createClient({
    graphqlUrl: stack.endpoints.graphqlUrl,
    realtimeUrl: stack.endpoints.realtimeUrl,
    auth: { apiKey: stack.endpoints.apiKey },
    WebSocket: WebSocket as unknown as WebSocketConstructorLike,
  });
  const stops: Array<() => void> = [];
  try {
    // Per viewer: the metered messages of every event received, by the event's updatedAt (one board a window).
    const banded = Array.from({ length: VIEWERS }, () => new Map<string, number>());
    const complete = Array.from({ length: VIEWERS }, () => new Map<string, number>());
    let largestBandBytes = 0;
    let largestBoardBytes = 0;
    for (let v = 0; v < VIEWERS; v += 1) {
      // Viewers spread over the field: their own band and the top.
      const own = Math.floor((v * RIDERS) / VIEWERS / 50);
      const bands = own === 0 ? [0] : [0, own];
      stops.push(
        client.subscribe(
          OnLiveBoardDocument,
          { classId: CLASS_ID, bands },
          {
            next: (d) => {
              if (!d.onLiveBoard) return;
              const bytes = frameBytes('onLiveBoard', d.onLiveBoard);
              largestBandBytes = Math.max(largestBandBytes, bytes);
              const seen = banded[v] as Map<string, number>;
              seen.set(d.onLiveBoard.updatedAt, (seen.get(d.onLiveBoard.updatedAt) ?? 0) + metered(bytes));
            },
          },
        ),
      );
      stops.push(
        client.subscribe(
          OnLiveRankingsDocument,
          { classId: CLASS_ID },
          {
            next: (d) => {
              if (!d.onLiveRankings) return;
              const bytes = frameBytes('onLiveRankings', d.onLiveRankings);
              largestBoardBytes = Math.max(largestBoardBytes, bytes);
              const seen = complete[v] as Map<string, number>;
              seen.set(d.onLiveRankings.updatedAt, (seen.get(d.onLiveRankings.updatedAt) ?? 0) + metered(bytes));
            },
          },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 1500));
    const kinesis = localKinesis(stack.endpoints.kinesis.endpoint);
    const streamName = stack.endpoints.kinesis.streamName;
    const raceId = raceToJoin(Date.now(), RACE_SECONDS);
    await new Promise((r) => setTimeout(r, Math.max(0, raceStartMillis(raceId, RACE_SECONDS) - Date.now())));
    const names = ['Ada', 'Bo', 'Cyrille', 'Dagny', 'Eero', 'Fatoumata', 'Grzegorz', 'Hanne'];
    const end = Date.now() + windows * WINDOW_SECONDS * 1000;
    while (Date.now() < end) {
      const second = raceSecondAt(raceId, RACE_SECONDS, Date.now());
      const records: TelemetryRecord[] = Array.from({ length: RIDERS }, (_, i) => ({
        raceId,
        classId: CLASS_ID,
        racerId: `rider-${CLASS_ID}-${String(i).padStart(4, '0')}`,
        name: `${names[i % names.length] as string} ${String.fromCharCode(65 + (i % 26))}.`,
        second,
        power: 150 + (i % 200),
        output: Math.round((150 + (i % 200)) * second) / 1000,
        event: 'update',
        deviceTimestamp: Date.now(),
      }));
      for (const batch of chunk(records, 500)) {
        await kinesis.send(
          new PutRecordsCommand({
            StreamName: streamName,
            Records: batch.map((r) => ({ Data: Buffer.from(JSON.stringify(r)), PartitionKey: r.racerId })),
          }),
        );
      }
      opts.progress?.(`second ${second}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
    // The last windows close and publish.
    await new Promise((r) => setTimeout(r, 3 * WINDOW_SECONDS * 1000));
    const perWindow = (views: Array<Map<string, number>>): number => {
      let messages = 0;
      let boards = 0;
      for (const seen of views) {
        for (const m of seen.values()) messages += m;
        boards += seen.size;
      }
      return boards === 0 ? Number.NaN : messages / boards;
    };
    const bandedFigure = perWindow(banded);
    const completeFigure = perWindow(complete);
    const load = os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
    return [
      {
        metric: 'live.meteredMessagesPerViewerWindow',
        value: Math.round(bandedFigure * 100) / 100,
        unit: 'messages',
        target: 2,
        better: 'lower',
        note: `complete board (onLiveRankings) ${completeFigure.toFixed(
          2,
        )} in the same run; largest band ${largestBandBytes} B, board ${largestBoardBytes} B; ${RIDERS} riders, ${VIEWERS} viewers each way; load ${load}`,
      },
    ];
  } finally {
    for (const stop of stops) stop();
    client.close();
    await stack.stop();
  }
}
