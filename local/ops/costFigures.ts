/**
 * Pure arithmetic of the cost view: the difference of two meter readings (a
 * period's usage, per key too) and its price at list prices.
 */
import type { Usage } from '../appsync/index.js';
import type { AppSyncPrices, CostFigures } from '../../contract/opsCost.js';

/** The counts of a period (a meter reading minus an earlier one), per key as well. */
export interface PeriodUsage {
  requests: number;
  connections: number;
  connectionMinutes: number;
  subscriptionStarts: number;
  dataMessages: number;
  dataUnits: number;
  operations: Map<string, number>;
  subscriptions: Map<string, { starts: number; messages: number; units: number; bytes: number }>;
}

/** `later` minus `earlier` (undefined: since the meter started). Keys new in `later` count from zero. */
export function usageBetween(earlier: Usage | undefined, later: Usage): PeriodUsage {
  const before = new Map(earlier?.operations.map((o) => [o.key, o.requests]));
  const subsBefore = new Map(earlier?.subscriptions.map((s) => [s.key, s]));
  const operations = new Map<string, number>();
  for (const o of later.operations) {
    const n = o.requests - (before.get(o.key) ?? 0);
    if (n > 0) operations.set(o.key, n);
  }
  const subscriptions: PeriodUsage['subscriptions'] = new Map();
  for (const s of later.subscriptions) {
    const b = subsBefore.get(s.key);
    const d = {
      starts: s.starts - (b?.starts ?? 0),
      messages: s.messages - (b?.messages ?? 0),
      units: s.units - (b?.units ?? 0),
      bytes: s.bytes - (b?.bytes ?? 0),
    };
    if (d.starts > 0 || d.messages > 0) subscriptions.set(s.key, d);
  }
  return {
    requests: later.requests - (earlier?.requests ?? 0),
    connections: later.connections - (earlier?.connections ?? 0),
    connectionMinutes: later.connectionMinutes - (earlier?.connectionMinutes ?? 0),
    subscriptionStarts: later.subscriptionStarts - (earlier?.subscriptionStarts ?? 0),
    dataMessages: later.dataMessages - (earlier?.dataMessages ?? 0),
    dataUnits: later.dataUnits - (earlier?.dataUnits ?? 0),
    operations,
    subscriptions,
  };
}

/** Dollars for `count` units at `perMillion`. */
export function priced(count: number, perMillion: number): number {
  return (count * perMillion) / 1_000_000;
}

/** A period's counts, scaled by `factor` (1 = as counted), with their price. */
export function costFigures(period: PeriodUsage, prices: AppSyncPrices, factor = 1): CostFigures {
  const requests = period.requests * factor;
  const dataUnits = period.dataUnits * factor;
  const connections = period.connections * factor;
  const subscriptionStarts = period.subscriptionStarts * factor;
  const realtimeUpdates = dataUnits + connections + subscriptionStarts;
  const connectionMinutes = period.connectionMinutes * factor;
  const usd = {
    requests: priced(requests, prices.requestsPerMillion),
    realtimeUpdates: priced(realtimeUpdates, prices.realtimeUpdatesPerMillion),
    connectionMinutes: priced(connectionMinutes, prices.connectionMinutesPerMillion),
    total: 0,
  };
  usd.total = usd.requests + usd.realtimeUpdates + usd.connectionMinutes;
  return {
    requests,
    realtimeUpdates,
    dataMessages: period.dataMessages * factor,
    dataUnits,
    connections,
    subscriptionStarts,
    connectionMinutes,
    usd,
  };
}
