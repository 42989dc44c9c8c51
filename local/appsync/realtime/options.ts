/** Options of the real-time server, with AppSync's values as defaults. */
import type { UsageMeter } from '../metering/usageMeter.js';

/** Where the server reports what it dropped or refused (defaults to console). */
export interface RealtimeLogger {
  warn(message: string): void;
}

/** Options of `createRealtimeServer` / `attachRealtime`. */
export interface RealtimeOptions {
  /** Interval of `ka` messages; AppSync sends one about every 60 s. */
  keepAliveIntervalMs?: number;
  /** `connection_ack.payload.connectionTimeoutMs`; AppSync sends 300000. */
  connectionTimeoutMs?: number;
  /** Subscriptions per connection (AppSync quota: 100). */
  maxSubscriptionsPerConnection?: number;
  /** Largest event payload delivered (AppSync: 240 KB). */
  maxEventBytes?: number;
  /** Largest inbound message answered normally; larger ones get an error. */
  maxMessageBytes?: number;
  /**
   * How long a socket may stay open without sending `connection_init`; then it
   * is closed. AppSync does not document its value: 15 s, the time AWS's SDKs
   * wait for `connection_ack` before they give up themselves.
   */
  connectionInitTimeoutMs?: number;
  /** Connection lifetime (AppSync closes connections after 24 h). */
  maxConnectionLifetimeMs?: number;
  /** Send-buffer bound per connection; past it the connection is closed as a slow consumer. */
  maxBufferedBytes?: number;
  /** How long a closing slow consumer may take before it is dropped. */
  slowConsumerGraceMs?: number;
  /** Path of the real-time endpoint (`attachRealtime` only). */
  path?: string;
  logger?: RealtimeLogger;
  /** Counts connections, connection-minutes and metered messages (metering/usageMeter.ts); none when absent. */
  meter?: UsageMeter;
}

/** The options with every default filled in (the meter stays optional). */
export type ResolvedRealtimeOptions = Required<Omit<RealtimeOptions, 'meter'>> & { meter: UsageMeter | undefined };

/** Fills in AppSync's defaults. */
export function resolveRealtimeOptions(options: RealtimeOptions = {}): ResolvedRealtimeOptions {
  const {
    keepAliveIntervalMs = 60_000,
    connectionTimeoutMs = 300_000,
    maxSubscriptionsPerConnection = 100,
    maxEventBytes = 240 * 1024,
    maxMessageBytes = 240 * 1024,
    connectionInitTimeoutMs = 15_000,
    maxConnectionLifetimeMs = 24 * 60 * 60 * 1000,
    maxBufferedBytes = 8 * 1024 * 1024,
    slowConsumerGraceMs = 1_000,
    path = '/graphql/realtime',
    logger = { warn: (message: string) => console.warn(`[realtime] ${message}`) },
    meter,
  } = options;
  return {
    keepAliveIntervalMs,
    connectionTimeoutMs,
    maxSubscriptionsPerConnection,
    maxEventBytes,
    maxMessageBytes,
    connectionInitTimeoutMs,
    maxConnectionLifetimeMs,
    maxBufferedBytes,
    slowConsumerGraceMs,
    path,
    logger,
    meter,
  };
}
