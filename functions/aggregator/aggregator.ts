/**
 * The aggregator's invocation logic (Kinesis, tumbling window), with its
 * dependencies passed in. handler.ts wires it to the environment.
 *
 * Every invocation of a window folds its records into the state Lambda carries;
 * the final invocation (`isFinalInvokeForWindow`) stores and publishes. The
 * first invocation of a window that does not follow one this container closed
 * on the shard records the window as opened (core/shardWatermark.ts), so the
 * closers of other shards wait for this one from its first window on.
 */
import type { Clock, Sleep } from '../runtime/clock.js';
import type { KinesisEventRecord } from '../runtime/kinesisRecord.js';
import { shardIdOf } from '../runtime/kinesisRecord.js';
import type { LogPort, MetricsPort } from '../runtime/observability.js';
import type { CloseDeps } from './closeDeps.js';
import { fullRaceKey } from './closeDeps.js';
import { closeWindow } from './closeWindow.js';
import { recordWindowOpened } from './shardWatermarkStore.js';
import { withRetry } from '../runtime/retry.js';
import { isTransient } from '../runtime/isTransient.js';
import { foldBatch } from './foldBatch.js';
import { ShardRiders } from './shardRiders.js';
import type { WindowState } from './windowState.js';
import { parseRaceKey, raceKeyOf, readState } from './windowState.js';
import { riderMapKey } from '../../core/keys.js';
import { pageOfRider } from '../../core/livePartPages.js';

/** The tumbling-window event Lambda sends (fields we read). */
export interface TumblingWindowEvent {
  Records: KinesisEventRecord[];
  window?: { start: string; end: string };
  state?: unknown;
  isFinalInvokeForWindow?: boolean;
  isWindowTerminatedEarly?: boolean;
  /** Present on tumbling-window events of Kinesis sources. */
  shardId?: string;
  eventSourceARN?: string;
}

export interface WindowResponse {
  state: WindowState;
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

export interface AggregatorDeps extends CloseDeps {
  raceSeconds: number;
  logger: LogPort;
  metrics: MetricsPort;
  clock: Clock;
  sleep?: Sleep;
  /** The riders of each shard's parts this container knows (default: a new, empty memory). */
  shardRiders?: ShardRiders;
}

function shardOf(event: TumblingWindowEvent): string {
  if (typeof event.shardId === 'string' && event.shardId !== '') return event.shardId;
  for (const r of event.Records) {
    const s = shardIdOf(r);
    if (s !== undefined) return s;
  }
  return 'unknown-shard';
}

/** Builds the aggregator for the given dependencies. */
export function createAggregator(deps: AggregatorDeps): (event: TumblingWindowEvent) => Promise<WindowResponse> {
  const closeDeps: AggregatorDeps = {
    ...deps,
    partCache: deps.partCache ?? new Map(),
    fullRaces: deps.fullRaces ?? new Map(),
    watermarks: deps.watermarks ?? new Map(),
    givenUp: deps.givenUp ?? new Map(),
  };
  const watermarks = closeDeps.watermarks;
  /** Records the window as opened unless this container closed the window just before it on this shard. */
  const noteOpened = async (shardId: string, window: { start: string; end: string } | undefined): Promise<void> => {
    const start = window === undefined ? Number.NaN : Date.parse(window.start);
    if (!Number.isFinite(start) || watermarks === undefined) return;
    const memo = watermarks.get(shardId);
    if (memo?.closedEnd === start || memo?.openedStart === start) return;
    await withRetry(
      'record window opened',
      () => recordWindowOpened(deps.ddb, deps.tableName, shardId, start, new Date(deps.clock.now()).toISOString()),
      { attempts: deps.attempts ?? 5, baseMs: 100, capMs: 2000, isRetryable: isTransient, sleep: deps.sleep },
    );
    watermarks.set(shardId, { races: {}, ...memo, openedStart: start });
  };
  const fullRaces = closeDeps.fullRaces;
  const admitsOn =
    (shardId: string) =>
    (classId: number, raceId: number, racerId: string): boolean => {
      const pages = fullRaces?.get(fullRaceKey(shardId, raceKeyOf(classId, raceId)));
      return pages === undefined || pageOfRider(pages, riderMapKey(racerId)) >= 0;
    };
  const shardRiders = deps.shardRiders ?? new ShardRiders(deps.raceSeconds);
  const retry = { attempts: deps.attempts ?? 5, baseMs: 100, capMs: 2000, isRetryable: isTransient, sleep: deps.sleep };
  return async (event) => {
    const records = Array.isArray(event.Records) ? event.Records : [];
    const state = readState(event.state);
    const shardId = shardOf(event);
    const parsedStart = event.window?.start === undefined ? Number.NaN : Date.parse(event.window.start);
    const windowStart = Number.isFinite(parsedStart) ? parsedStart : undefined;
    try {
      const fold = foldBatch(
        state,
        records,
        deps.raceSeconds,
        admitsOn(shardId),
        true,
        windowStart === undefined
          ? undefined
          : (classId, raceId) => shardRiders.ridersFor(shardId, classId, raceId, windowStart),
      );
      deps.metrics.addMetric('RecordsReceived', 'Count', fold.received);
      if (fold.refused > 0) deps.metrics.addMetric('RecordsRefused', 'Count', fold.refused);
      // Late joiners' records never stay in the state: those the fold could not judge are taken out here.
      const removed =
        fold.unjudged.length === 0
          ? 0
          : await withRetry(
              'read the riders of a live part',
              () => shardRiders.keepAdmitted(deps.ddb, deps.tableName, shardId, state, fold.unjudged, windowStart),
              retry,
            );
      if (fold.late > 0) deps.metrics.addMetric('LateRecordsRefused', 'Count', fold.late);
      if (removed > 0) deps.metrics.addMetric('LateJoinersRefused', 'Count', removed);
      if (fold.late > 0 || removed > 0) {
        deps.logger.warn('riders joined after the join deadline: records dropped', {
          shardId,
          records: fold.late,
          riders: removed,
        });
      }
      if (fold.malformed.length > 0) {
        deps.metrics.addMetric('MalformedRecords', 'Count', fold.malformed.length);
        // Logged once per batch with a sample, not once per record.
        deps.logger.warn('dropped malformed telemetry records', {
          shardId,
          races: Object.keys(state.r).map(parseRaceKey),
          count: fold.malformed.length,
          sample: fold.malformed.slice(0, 3),
        });
      }
      if (event.isFinalInvokeForWindow !== true && records.length > 0) await noteOpened(shardId, event.window);
      if (event.isFinalInvokeForWindow === true) {
        const end = event.window?.end === undefined ? deps.clock.now() : Date.parse(event.window.end);
        const start = event.window?.start === undefined ? Number.NaN : Date.parse(event.window.start);
        await closeWindow(closeDeps, state, shardId, {
          startMillis: Number.isFinite(start) ? start : undefined,
          endMillis: end,
        });
        if (Number.isFinite(start)) shardRiders.afterClose(shardId, state, start, end);
        // The window is done; Lambda starts the next one from {}.
        return { state: { v: 1, r: {} }, batchItemFailures: [] };
      }
      return { state, batchItemFailures: [] };
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
