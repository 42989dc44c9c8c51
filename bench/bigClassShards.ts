/**
 * Child process of bench/bigClassDelivery.ts holding the aggregator's
 * containers, one per shard, as Lambda runs them: in a process of their own,
 * apart from the local stack's (on AWS the function and AppSync never share
 * a machine). Each shard folds its riders' records of one window, all but
 * the last close it (parts written, the board held for the last one); on
 * `close` the last shard's final invocation runs, the close being measured.
 *
 * Usage (by bench/bigClassDelivery.ts only): node --import tsx bench/bigClassShards.ts
 */
import { writeShard } from '../core/keys.js';
import type { TelemetryRecord } from '../core/telemetry.js';
import { createAggregator } from '../functions/aggregator/aggregator.js';
import { createBandPublisher } from '../functions/aggregator/publishLiveBands.js';
import { createSignedPoster, PUBLISH_MUTATION } from '../functions/aggregator/publishLiveRankings.js';
import { createDocumentClient } from '../functions/runtime/documentClient.js';
import type { KinesisEventRecord } from '../functions/runtime/kinesisRecord.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION, type LocalCredentials } from '../local/credentials.js';
import { bigClassOutput, bigClassRacerId } from './bigClassParts.js';
import { sharedNow } from './fanoutShared.js';

/** Parent → shards. */
export type ToShards =
  | {
      type: 'setup';
      dynamodbEndpoint: string;
      tableName: string;
      graphqlUrl: string;
      credentials: LocalCredentials;
      raceSeconds: number;
      classId: number;
      riders: number;
      shards: number;
      raceId: number;
      /** The race second of every rider's record, and when the records arrived (epoch ms). */
      second: number;
      arrivalMillis: number;
      window: { start: string; end: string };
    }
  | { type: 'close' };

/** Shards → parent. */
export type FromShards =
  | { type: 'progress'; message: string }
  | { type: 'ready' }
  /** The measured close: its start (the shared clock), duration and the board's write calls. */
  | { type: 'closed'; start: number; ms: number; boardWriteCalls: number }
  | { type: 'failed'; message: string };

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const shardId = (s: number) => `shardId-${String(s).padStart(12, '0')}`;

function send(message: FromShards): void {
  process.send?.(message);
}

let last: (() => Promise<{ start: number; ms: number }>) | undefined;
let boardWriteCalls = 0;

async function setup(m: Extract<ToShards, { type: 'setup' }>): Promise<void> {
  const ddb = createDocumentClient({
    region: LOCAL_REGION,
    endpoint: m.dynamodbEndpoint,
    credentials: EMULATOR_CREDENTIALS,
  });
  const post = createSignedPoster({ graphqlUrl: m.graphqlUrl, region: LOCAL_REGION, credentials: m.credentials });
  const containers = Array.from({ length: m.shards }, () =>
    createAggregator({
      ddb,
      tableName: m.tableName,
      raceSeconds: m.raceSeconds,
      publish: (input) => post('publishLiveRankings', PUBLISH_MUTATION, { input }),
      publishBands: createBandPublisher(post),
      logger: silent,
      metrics: {
        addMetric: (name, _unit, value) => {
          if (name === 'BoardWriteCalls') boardWriteCalls += value;
        },
        publishStoredMetrics: () => {},
      },
      clock: { now: () => Date.now() },
      // The setup's closes take longer than a window on DynamoDB Local: the board waits for the measured one.
      shardWaitMs: 30 * 60_000,
    }),
  );

  // Every shard folds its riders' records of the window (the riders' shard: a stable hash of the racerId).
  const byShard: TelemetryRecord[][] = Array.from({ length: m.shards }, () => []);
  for (let i = 0; i < m.riders; i += 1) {
    const racerId = bigClassRacerId(i);
    byShard[writeShard(racerId, m.shards)]!.push({
      raceId: m.raceId,
      classId: m.classId,
      racerId,
      name: `Rider ${String(i).padStart(5, '0')}`,
      second: m.second,
      power: 300,
      output: bigClassOutput(i, m.second),
      event: 'update',
      deviceTimestamp: m.arrivalMillis,
    });
  }
  const states: unknown[] = [];
  for (let s = 0; s < m.shards; s += 1) {
    const records: KinesisEventRecord[] = byShard[s]!.map((r, n) => ({
      eventID: `${shardId(s)}:${n}`,
      kinesis: {
        data: Buffer.from(JSON.stringify(r)).toString('base64'),
        sequenceNumber: String(n + 1),
        partitionKey: r.racerId,
        approximateArrivalTimestamp: m.arrivalMillis / 1000,
      },
    }));
    const folded = await containers[s]!({ Records: records, state: {}, window: m.window, shardId: shardId(s) });
    states.push(folded.state);
    send({ type: 'progress', message: `folded shard ${s + 1}/${m.shards}` });
  }
  // All but the last shard close the window: parts written, the board held for the last one.
  for (let s = 0; s < m.shards - 1; s += 1) {
    await containers[s]!({
      Records: [],
      state: states[s],
      window: m.window,
      isFinalInvokeForWindow: true,
      shardId: shardId(s),
    });
    send({ type: 'progress', message: `closed shard ${s + 1}/${m.shards}` });
  }
  const final = m.shards - 1;
  last = async () => {
    const start = sharedNow();
    await containers[final]!({
      Records: [],
      state: states[final],
      window: m.window,
      isFinalInvokeForWindow: true,
      shardId: shardId(final),
    });
    return { start, ms: sharedNow() - start };
  };
}

process.on('message', (raw: ToShards) => {
  void (async () => {
    try {
      if (raw.type === 'setup') {
        await setup(raw);
        send({ type: 'ready' });
      } else {
        if (last === undefined) throw new Error('close before setup');
        const board = boardWriteCalls;
        const { start, ms } = await last();
        send({ type: 'closed', start, ms, boardWriteCalls: boardWriteCalls - board });
      }
    } catch (error) {
      send({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  })();
});
process.on('disconnect', () => process.exit(0));
