/**
 * The race simulator: riders of every chosen class ride the race clock, one
 * record per rider per second, into Kinesis (PutRecords) or through GraphQL
 * (`recordTelemetry`). The local stack starts it from `npm start`;
 * `alleycat simulate` runs it on its own.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { RACE_CLASSES } from '../../core/raceClasses.js';
import { raceIdAt, raceSecondAt } from '../../core/raceClock.js';
import type { ClassFeed } from './classFeed.js';
import { createClassFeed } from './classFeed.js';
import type { SimulatorEndpoints } from './endpoints.js';
import { graphqlSink } from './graphqlSink.js';
import { riderAccounts } from './riderAccounts.js';
import { kinesisSink } from './kinesisSink.js';
import type { Progress } from './progress.js';
import type { TelemetrySink } from './sink.js';
import { withoutSdkLogging } from '../../lib/withoutSdkLogging.js';

export type Via = 'kinesis' | 'graphql';

export interface SimulatorOptions {
  endpoints: SimulatorEndpoints;
  /** Riders per class. */
  racers: number;
  /** Class ids (default: every class of the catalog). */
  classes?: readonly number[];
  via?: Via;
  clock?: { now(): number };
  onProgress?: (p: Progress) => void;
  /** A sink to use instead of the one `via` names (tests, benchmarks). */
  sink?: TelemetrySink;
}

export interface RunningSimulator {
  stop(): Promise<void>;
}

/** The simulator's options are unusable. */
export class SimulatorOptionsError extends Error {
  override readonly name = 'SimulatorOptionsError';
}

function sinkFor(o: SimulatorOptions): TelemetrySink {
  if (o.sink) return o.sink;
  if ((o.via ?? 'kinesis') === 'graphql') {
    // Every simulated rider signs up in the riders' pool and writes with their own token.
    const accounts = riderAccounts(o.endpoints.cognito, { ...o.endpoints.credentials });
    return graphqlSink({
      graphqlUrl: o.endpoints.graphqlUrl,
      tokenFor: (racerId, name) => accounts.idToken(racerId, name),
      onClose: () => accounts.destroy(),
    });
  }
  const client = withoutSdkLogging(
    new KinesisClient({
      endpoint: o.endpoints.kinesis.endpoint,
      region: o.endpoints.region,
      // A copy: the SDK marks the credentials object it is given (`$source`), and the
      // endpoints must stay as written (the stack removes its endpoints file only if unchanged).
      credentials: { ...o.endpoints.credentials },
      // HTTP/1.1 with enough sockets for several PutRecords in flight (kinesalite speaks HTTP/1.1).
      requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 16 } }),
    }),
  );
  return kinesisSink({ client, streamName: o.endpoints.kinesis.streamName });
}

/** Starts riding; resolves once the first tick is scheduled. */
export function startSimulator(o: SimulatorOptions): RunningSimulator {
  if (!Number.isInteger(o.racers) || o.racers < 1) throw new SimulatorOptionsError('racers must be a positive integer');
  const classes = o.classes ?? RACE_CLASSES.map((c) => c.classId);
  for (const c of classes) {
    if (!RACE_CLASSES.some((k) => k.classId === c)) throw new SimulatorOptionsError(`class ${c} is not in the catalog`);
  }
  const clock = o.clock ?? { now: () => Date.now() };
  const raceSeconds = o.endpoints.raceSeconds;
  const feeds: ClassFeed[] = classes.map((classId) => createClassFeed({ classId, racers: o.racers, raceSeconds }));
  const sink = sinkFor(o);
  const progress: Progress = {
    races: [],
    riders: o.racers * classes.length,
    recordsPerSecond: 0,
    sent: 0,
    failed: 0,
    retried: 0,
  };

  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const loop = (async () => {
    while (!stopped) {
      const started = clock.now();
      try {
        const records = feeds.flatMap((f) => f.recordsUntil(started));
        const outcome = records.length > 0 ? await sink.send(records) : { sent: 0, failed: 0, retried: 0 };
        progress.sent += outcome.sent;
        progress.failed += outcome.failed;
        progress.retried += outcome.retried;
        if (outcome.lastError) progress.lastError = outcome.lastError;
        progress.recordsPerSecond = outcome.sent / Math.max(1, (clock.now() - started) / 1000);
      } catch (error) {
        progress.lastError = error instanceof Error ? error.message : String(error);
      }
      const raceId = raceIdAt(started, raceSeconds);
      progress.races = classes.map((classId) => ({
        classId,
        raceId,
        second: raceSecondAt(raceId, raceSeconds, started),
      }));
      o.onProgress?.({ ...progress, races: [...progress.races] });
      // Tick just after the next second boundary of the race clock.
      if (!stopped) await pause(1000 - (clock.now() % 1000) + 10);
    }
  })();

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
      sink.close();
    },
  };
}
