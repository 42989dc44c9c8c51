/**
 * What the fan-out benchmark's live boards would cost on AppSync, from the
 * server's usage meter (local/appsync/metering): every publish is one window
 * of one class, every subscriber one viewer, so the 5 KB units of a
 * subscription key divided by its messages are the metered messages per
 * viewer per window. A race is RACE.raceSeconds / RACE.windowSeconds windows.
 */
import { formatUsd } from '../contract/opsCost.js';
import { APPSYNC_PRICES } from '../infra/appsyncPrices.js';
import { RACE } from '../infra/settings.js';
import type { Usage } from '../local/appsync/index.js';
import type { BenchResult } from './types.js';

/** At most this many metered messages per viewer and window (issue target for viewer-sized boards). */
export const METERED_MESSAGES_PER_VIEWER_WINDOW_TARGET = 2;

export interface MeteredDesign {
  /** Metric id, e.g. `fanout.completeBoardMessagesPerViewerWindow`. */
  metric: string;
  /** What was delivered, for the note, e.g. "complete board (onLiveRankings), 1,000 entries". */
  design: string;
  /** The subscription key the viewers used, e.g. `onLiveRankings(classId: 3)`. */
  subscriptionKey: string;
  viewers: number;
  /** Publishes (windows) each viewer received. */
  windows: number;
}

/** The design's figure; throws when the meter did not see exactly one message per viewer and window. */
export function meteredResult(usage: Usage, d: MeteredDesign): BenchResult {
  const sub = usage.subscriptions.find((s) => s.key === d.subscriptionKey);
  if (!sub) throw new Error(`the meter saw no subscription ${d.subscriptionKey}`);
  if (sub.messages !== d.viewers * d.windows)
    throw new Error(`${d.subscriptionKey}: metered ${sub.messages} messages, expected ${d.viewers} × ${d.windows}`);
  const perViewerWindow = sub.units / sub.messages;
  const windowsPerRace = RACE.raceSeconds / RACE.windowSeconds;
  const perViewerRace = (perViewerWindow * windowsPerRace * APPSYNC_PRICES.realtimeUpdatesPerMillion) / 1_000_000;
  const kb = sub.bytes / sub.messages / 1024;
  return {
    metric: d.metric,
    value: Math.round(perViewerWindow * 100) / 100,
    unit: 'msgs',
    target: METERED_MESSAGES_PER_VIEWER_WINDOW_TARGET,
    better: 'lower',
    note: `${d.design}: ${kb.toFixed(1)} KB a message; ${formatUsd(perViewerRace)} per viewer and ${
      RACE.raceSeconds / 60
    }-minute race, ${formatUsd(perViewerRace * 1000)} per 1,000 viewers (list price ${APPSYNC_PRICES.readOn})`,
  };
}
