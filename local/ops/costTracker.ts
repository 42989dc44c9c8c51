/**
 * The cost view's state: reads the AppSync usage meter, notices race slots
 * (core/raceClock.ts: races run back to back, slot = floor(t / raceSeconds))
 * and prices what was counted — since the stack started, in the running race
 * so far, extrapolated over the whole race, and in the race before.
 *
 * Extrapolation: the running race's counts × raceSeconds / seconds counted,
 * i.e. the rest of the race at the rate seen so far. Not before
 * `minimumSeconds` are counted (the first seconds are the connection and
 * subscription burst). Race boundaries are noticed when sampled (every
 * collector interval), so the last race's counts may hold that much of the next.
 */
import { raceIdAt, raceStartMillis } from '../../core/raceClock.js';
import type { Usage } from '../appsync/index.js';
import type {
  AppSyncPrices,
  CostFigures,
  OperationCost,
  OpsCost,
  RaceCost,
  SubscriptionCost,
} from '../../contract/opsCost.js';
import { costFigures, priced, usageBetween } from './costFigures.js';
import type { Reading } from './types.js';

export interface CostTrackerOptions {
  /** Reads the meter (local/appsync `UsageMeter.usage`). */
  usage: () => Usage;
  prices: AppSyncPrices;
  /** Bytes per metered real-time message. */
  meteredMessageBytes: number;
  raceSeconds: number;
  /** No extrapolation before this many seconds of a race are counted (default 15). */
  minimumSeconds?: number;
  /** Operation and subscription keys listed per race, largest first (default 12). */
  topKeys?: number;
}

export interface CostTracker {
  /** Notices a new race slot (call once per collector interval). */
  sample(): void;
  /** The `cost` section of the ops snapshot. */
  read(): OpsCost;
  /** Series for the charts: metered real-time messages (a counter). */
  readings(): Reading[];
}

/** A race counted from `baseline` (undefined: from the meter's start, at `baselineAt`). */
interface Counted {
  raceId: number;
  baseline: Usage | undefined;
  baselineAt: number;
}

/** A race counted from within this long after its start is complete. */
const COMPLETE_WITHIN_MS = 5_000;

export function createCostTracker(options: CostTrackerOptions): CostTracker {
  const { prices, raceSeconds } = options;
  const minimumSeconds = options.minimumSeconds ?? 15;
  const topKeys = options.topKeys ?? 12;
  const first = options.usage();
  let current: Counted = { raceId: raceIdAt(first.since, raceSeconds), baseline: undefined, baselineAt: first.since };
  let lastRace: OpsCost['lastRace'] = null;

  const complete = (c: Counted): boolean => c.baselineAt - raceStartMillis(c.raceId, raceSeconds) <= COMPLETE_WITHIN_MS;

  /** Moves to the slot of `u` when it changed, keeping what the ended race counted. */
  function advance(u: Usage): void {
    const raceId = raceIdAt(u.at, raceSeconds);
    if (raceId === current.raceId) return;
    lastRace = {
      raceId: current.raceId,
      complete: complete(current),
      figures: costFigures(usageBetween(current.baseline, u), prices),
    };
    current = { raceId, baseline: u, baselineAt: u.at };
  }

  function race(u: Usage): RaceCost {
    const period = usageBetween(current.baseline, u);
    const countedSeconds = Math.max(0, (u.at - current.baselineAt) / 1000);
    const factor = countedSeconds >= minimumSeconds ? raceSeconds / countedSeconds : null;
    const operations: OperationCost[] = [...period.operations].map(([key, requests]) => {
      const usd = priced(requests, prices.requestsPerMillion);
      return { key, requests, usd, projectedUsd: factor === null ? null : usd * factor };
    });
    const subscriptions: SubscriptionCost[] = [...period.subscriptions].map(([key, s]) => {
      // A subscription's registrations are real-time updates too.
      const usd = priced(s.units + s.starts, prices.realtimeUpdatesPerMillion);
      return { key, ...s, usd, projectedUsd: factor === null ? null : usd * factor };
    });
    const byUsd = (a: { usd: number; key: string }, b: { usd: number; key: string }) =>
      b.usd - a.usd || a.key.localeCompare(b.key);
    operations.sort(byUsd);
    subscriptions.sort(byUsd);
    const projected: CostFigures | null = factor === null ? null : costFigures(period, prices, factor);
    return {
      raceId: current.raceId,
      raceSeconds,
      countedSeconds,
      soFar: costFigures(period, prices),
      projected,
      minimumSeconds,
      method: `counts so far × ${raceSeconds} s / seconds counted (from ${minimumSeconds} s counted on)`,
      operations: operations.slice(0, topKeys),
      subscriptions: subscriptions.slice(0, topKeys),
      omitted: {
        operations: Math.max(0, operations.length - topKeys),
        subscriptions: Math.max(0, subscriptions.length - topKeys),
      },
    };
  }

  return {
    sample() {
      advance(options.usage());
    },
    read() {
      const u = options.usage();
      advance(u);
      return {
        prices,
        meteredMessageBytes: options.meteredMessageBytes,
        total: costFigures(usageBetween(undefined, u), prices),
        race: race(u),
        lastRace,
      };
    },
    readings() {
      return [
        {
          id: 'realtime.meteredMessages',
          group: 'realtime',
          label: 'metered messages (5 KB units)',
          unit: 'Count',
          kind: 'counter',
          value: options.usage().dataUnits,
        },
      ];
    },
  };
}
