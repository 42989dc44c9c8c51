/**
 * What AppSync would bill for the traffic the local runtime served, in
 * AppSync's own billing units (prices are not the emulator's business):
 *
 * - requests: one per query or mutation request that passed authentication
 *   (AppSync bills "query and data modification operations" per request);
 * - real-time updates: every outbound subscription `data` message, metered in
 *   5 KB increments of the message delivered to one client, plus one per
 *   successful connection and one per registered subscription (the pricing
 *   page counts "WebSocket operations such as client connections" as
 *   real-time updates; that subscription registrations are among them is our
 *   reading, shown separately so that it can be told apart);
 * - connection-minutes: from `connection_ack` to the socket's close.
 *
 * Keep-alives, acks, `complete` and error messages are not counted.
 * Counters are per key (operation: `Query.raceResults`; subscription:
 * `onLiveRankings(classId: 1)`); keys come from clients, so at most
 * `maxKeys` distinct ones are kept per kind and the rest are counted under
 * `(other)`.
 */

/** AppSync meters a real-time message in increments of this many bytes (5 KB). */
export const METERED_MESSAGE_BYTES = 5 * 1024;
/** Distinct keys kept per kind before further ones are counted as `(other)`. */
export const DEFAULT_MAX_METER_KEYS = 200;
/** The key that collects what comes after `maxKeys` distinct keys. */
export const OTHER_KEY = '(other)';

/** The 5 KB units one message of `bytes` bytes is billed as (at least one). */
export function meteredUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / METERED_MESSAGE_BYTES));
}

/** Requests of one operation key. */
export interface OperationUsage {
  readonly key: string;
  readonly requests: number;
}

/** What one subscription key (field and arguments) was sent. */
export interface SubscriptionUsage {
  readonly key: string;
  /** Subscriptions registered (`start_ack` sent). */
  readonly starts: number;
  /** `data` messages delivered (one per subscriber per event). */
  readonly messages: number;
  /** Their 5 KB units. */
  readonly units: number;
  /** Their bytes, as written to the sockets. */
  readonly bytes: number;
}

/** Everything counted since the meter was made. */
export interface Usage {
  /** Epoch ms of the meter's creation and of this reading. */
  readonly since: number;
  readonly at: number;
  readonly requests: number;
  /** Successful connections (`connection_ack` sent). */
  readonly connections: number;
  readonly openConnections: number;
  /** Closed connections' minutes plus the open ones' so far. */
  readonly connectionMinutes: number;
  readonly subscriptionStarts: number;
  readonly dataMessages: number;
  readonly dataUnits: number;
  readonly dataBytes: number;
  /** Billed real-time updates: dataUnits + connections + subscriptionStarts. */
  readonly realtimeUpdates: number;
  /** By key, most requests first. */
  readonly operations: readonly OperationUsage[];
  /** By key, most units first. */
  readonly subscriptions: readonly SubscriptionUsage[];
}

/** The counter of one subscription key, held by whoever delivers its messages. */
export interface SubscriptionMeter {
  /** One subscription with this key was registered. */
  started(): void;
  /** One `data` message of `bytes` bytes went to one client. */
  delivered(bytes: number): void;
}

export interface UsageMeter {
  /** One query or mutation request under `operationKey`. */
  request(operationKey: string): void;
  /** A connection was acknowledged; call the returned function when it closes (later calls do nothing). */
  connectionOpened(): () => void;
  /** The counter of a subscription key (the same object for the same key). */
  subscription(key: string): SubscriptionMeter;
  usage(): Usage;
}

export interface UsageMeterOptions {
  /** Epoch ms (default Date.now). */
  clock?: () => number;
  maxKeys?: number;
}

interface SubscriptionCounts {
  starts: number;
  messages: number;
  units: number;
  bytes: number;
}

export function createUsageMeter(options: UsageMeterOptions = {}): UsageMeter {
  const clock = options.clock ?? Date.now;
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_METER_KEYS;
  const since = clock();
  const requests = new Map<string, number>();
  const subscriptions = new Map<string, { counts: SubscriptionCounts; meter: SubscriptionMeter }>();
  let connections = 0;
  let openConnections = 0;
  // Times are kept relative to `since`: sums of epoch milliseconds over thousands of connections would lose precision.
  let openStartsSum = 0;
  let closedMs = 0;
  const totals: SubscriptionCounts = { starts: 0, messages: 0, units: 0, bytes: 0 };

  /** The key to count under: itself while there is room, else `(other)`. */
  function admitted<T>(map: Map<string, T>, key: string): string {
    return map.has(key) || map.size < maxKeys - 1 ? key : OTHER_KEY;
  }

  function subscription(requested: string): SubscriptionMeter {
    const key = admitted(subscriptions, requested);
    const existing = subscriptions.get(key);
    if (existing) return existing.meter;
    const counts: SubscriptionCounts = { starts: 0, messages: 0, units: 0, bytes: 0 };
    const meter: SubscriptionMeter = {
      started() {
        counts.starts += 1;
        totals.starts += 1;
      },
      delivered(bytes) {
        const units = meteredUnits(bytes);
        counts.messages += 1;
        counts.units += units;
        counts.bytes += bytes;
        totals.messages += 1;
        totals.units += units;
        totals.bytes += bytes;
      },
    };
    subscriptions.set(key, { counts, meter });
    return meter;
  }

  return {
    request(operationKey) {
      const key = admitted(requests, operationKey);
      requests.set(key, (requests.get(key) ?? 0) + 1);
    },
    connectionOpened() {
      const openedAt = clock() - since;
      connections += 1;
      openConnections += 1;
      openStartsSum += openedAt;
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        openConnections -= 1;
        openStartsSum -= openedAt;
        closedMs += Math.max(0, clock() - since - openedAt);
      };
    },
    subscription,
    usage() {
      const at = clock();
      const openMs = Math.max(0, openConnections * (at - since) - openStartsSum);
      let requestCount = 0;
      const operations: OperationUsage[] = [];
      for (const [key, n] of requests) {
        requestCount += n;
        operations.push({ key, requests: n });
      }
      operations.sort((a, b) => b.requests - a.requests || a.key.localeCompare(b.key));
      const subs: SubscriptionUsage[] = [...subscriptions].map(([key, { counts }]) => ({ key, ...counts }));
      subs.sort((a, b) => b.units - a.units || b.starts - a.starts || a.key.localeCompare(b.key));
      return {
        since,
        at,
        requests: requestCount,
        connections,
        openConnections,
        connectionMinutes: (closedMs + openMs) / 60_000,
        subscriptionStarts: totals.starts,
        dataMessages: totals.messages,
        dataUnits: totals.units,
        dataBytes: totals.bytes,
        realtimeUpdates: totals.units + connections + totals.starts,
        operations,
        subscriptions: subs,
      };
    },
  };
}
