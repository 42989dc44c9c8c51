/**
 * The `cost` section of `GET /ops/metrics` (contract/opsMetrics.ts): what the
 * local AppSync runtime metered, in AppSync's billing units, and what it would
 * cost at list prices — since the stack started, for the running race (so far
 * and extrapolated over the whole race) and for the last race.
 */

/** AppSync's list prices, as read on one day for one region (infra/appsyncPrices.ts). */
export interface AppSyncPrices {
  /** ISO date the prices were read. */
  readOn: string;
  region: string;
  /** Where they were read. */
  source: string;
  currency: 'USD';
  /** Query and mutation requests. */
  requestsPerMillion: number;
  /** Real-time updates: 5 KB units of data messages, connections, subscription registrations. */
  realtimeUpdatesPerMillion: number;
  connectionMinutesPerMillion: number;
}

/** Billing units over a period and their price. */
export interface CostFigures {
  requests: number;
  /** dataUnits + connections + subscriptionStarts. */
  realtimeUpdates: number;
  /** Subscription data messages delivered (one per subscriber per event). */
  dataMessages: number;
  /** Their 5 KB units. */
  dataUnits: number;
  connections: number;
  subscriptionStarts: number;
  connectionMinutes: number;
  usd: { requests: number; realtimeUpdates: number; connectionMinutes: number; total: number };
}

/** One operation key (`Query.raceResults`) over the period. */
export interface OperationCost {
  key: string;
  requests: number;
  usd: number;
  /** Over the whole race at the same rate (null when not extrapolated). */
  projectedUsd: number | null;
}

/** One subscription key (`onLiveRankings(classId: 1)`) over the period. */
export interface SubscriptionCost {
  key: string;
  starts: number;
  messages: number;
  units: number;
  bytes: number;
  usd: number;
  projectedUsd: number | null;
}

/** The running race: counted since it started (or since the stack did, if later). */
export interface RaceCost {
  raceId: number;
  raceSeconds: number;
  /** Seconds counted so far. */
  countedSeconds: number;
  soFar: CostFigures;
  /** soFar × raceSeconds / countedSeconds; null while fewer than `minimumSeconds` are counted. */
  projected: CostFigures | null;
  minimumSeconds: number;
  /** How `projected` is made, in words. */
  method: string;
  /** Largest first (by usd), at most a few; `omitted` says how many more. */
  operations: OperationCost[];
  subscriptions: SubscriptionCost[];
  omitted: { operations: number; subscriptions: number };
}

export interface OpsCost {
  prices: AppSyncPrices;
  /** Bytes per metered real-time message (AppSync: 5 KB). */
  meteredMessageBytes: number;
  /** Since the stack started. */
  total: CostFigures;
  race: RaceCost;
  /** The race before, as counted (`complete` false when the stack started during it). */
  lastRace: { raceId: number; complete: boolean; figures: CostFigures } | null;
}

/** Dollars, short: `$0`, `<$0.0001`, `$0.0042`, `$1.23`, `$26.40`, `$1,234.50`. */
export function formatUsd(usd: number): string {
  if (usd <= 0) return '$0';
  if (usd < 0.0001) return '<$0.0001';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
