/**
 * What a window's close is given: its dependencies (CloseDeps), the window
 * (ClosingWindow) and the container's memories of full races and shard
 * watermarks; and the two horizons the shard wait sets (waitMs, keepMs).
 * The close (closeWindow.ts), its publish step (publishBoards.ts) and the
 * decision who publishes (readMarks.ts, claimRunning.ts) all read them.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LiveRiders } from '../../core/livePart.js';
import type { WindowSpan } from '../../core/shardWatermark.js';
import { LIVE_BOARD } from '../../infra/settings.js';
import type { Clock, Sleep } from '../runtime/clock.js';
import type { LogPort, MetricsPort } from '../runtime/observability.js';
import type { SerializedBand } from './fitBand.js';
import type { LivePartCache } from './livePartStore.js';
import type { LiveRankingsInput } from './publishLiveRankings.js';

export interface CloseDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  /** Race length (the race clock): the windows after a race's end are published by every closer. */
  raceSeconds: number;
  publish: (input: LiveRankingsInput) => Promise<void>;
  /** Publishes a board's bands to onLiveBoard (publishLiveBands.ts); without it only onLiveRankings is published. */
  publishBands?: (bands: readonly SerializedBand[]) => Promise<void>;
  logger: LogPort;
  metrics: MetricsPort;
  clock: Clock;
  sleep?: Sleep;
  /** Attempts of each DynamoDB step before the final invocation fails (default 5). */
  attempts?: number;
  /** Parts this container wrote last (saves a read per race and window). */
  partCache?: LivePartCache;
  /** Riders a class's race admits (default: infra/settings.ts ADMISSION). */
  maxRiders?: number;
  /** Races this container found full, with the shard's pages of each: who may still enter the window state. */
  fullRaces?: FullRaces;
  /** What this container last recorded on each shard's watermark. */
  watermarks?: WatermarkMemo;
  /** How long a board waits for an active shard to close its window (default: infra/settings.ts LIVE_BOARD). */
  shardWaitMs?: number;
  /** Shards this container gave up, each with the watermark it had then (waitForShards.ts). */
  givenUp?: GivenUpShards;
}

/** Per shard given up: its watermark's progress then (waitForShards.ts progressOf); it is awaited again once that moves. */
export type GivenUpShards = Map<string, string>;

/** Per shard: the races kept on its watermark and the windows this container last closed and opened on it. */
export type WatermarkMemo = Map<string, { races: Record<string, number>; closedEnd?: number; openedStart?: number }>;

/**
 * Full races by shard and race (fullRaceKey), with the pages of that shard's
 * part: one container may serve several shards, whose parts differ.
 */
export type FullRaces = Map<string, readonly LiveRiders[]>;

/** Key of a race and shard in FullRaces (`raceKey`: windowState.ts raceKeyOf). */
export function fullRaceKey(shardId: string, raceKey: string): string {
  return `${shardId}|${raceKey}`;
}

/** The window being closed, from the event (`window.start`/`window.end`). */
export interface ClosingWindow {
  startMillis: number | undefined;
  endMillis: number;
}

/** How long a shard keeps a race on its watermark after closing a window of it (rememberRaces): the wait and two windows more. */
export function keepMs(deps: CloseDeps, span: WindowSpan): number {
  return waitMs(deps, span) + 2 * (span.end - span.start);
}

/** How long a board waits for an active shard to close its window (awaitedShards). */
export function waitMs(deps: CloseDeps, span: WindowSpan): number {
  return deps.shardWaitMs ?? Math.max(LIVE_BOARD.shardWaitMinMs, LIVE_BOARD.shardWaitWindows * (span.end - span.start));
}
