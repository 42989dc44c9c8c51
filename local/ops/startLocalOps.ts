/**
 * Wires the ops view for the local stack in one call: a collector with the
 * alarms' local rules, the stdout tap feeding it the functions' EMF lines, the
 * event-source mappings and the real-time server as sources, and the
 * /ops/metrics handler.
 */
import type { ShardMetrics } from '../esm/types.js';
import { localAlertRules, type LocalAlertSettings } from './alerts.js';
import { createOpsCollector, type OpsCollector } from './collector.js';
import { esmReadings } from './esmReadings.js';
import { createOpsHandler, type OpsHandler } from './opsHandler.js';
import { realtimeReadings, type RealtimeFigures } from './realtimeReadings.js';
import { tapStdout } from './stdoutTap.js';
import { createCostTracker, type CostTrackerOptions } from './costTracker.js';

export interface LocalOpsOptions {
  /** Thresholds of the alarms evaluated locally. */
  alerts: LocalAlertSettings;
  /** Mapping name (`aggregator`, `finalizer`, `allTime`) → its shards' figures. */
  mappings?: Record<string, () => readonly ShardMetrics[]>;
  realtime?: RealtimeFigures;
  /** The AppSync usage meter, its prices and the race length: the snapshot's `cost` section. */
  cost?: CostTrackerOptions;
  /**
   * Tap process.stdout for EMF lines (default true: the functions run in the
   * stack's process). Pass false and call `collector.ingestLine` yourself when
   * the functions' output arrives another way (e.g. a child process's stdout).
   */
  tapStdout?: boolean;
  /** Keep EMF lines off the terminal (default true). */
  hideEmf?: boolean;
  resolutionMs?: number;
  retentionMs?: number;
}

export interface LocalOps {
  collector: OpsCollector;
  /** Mount on the stack's HTTP server: `if (ops.handler(req, res)) return;`. */
  handler: OpsHandler;
  /** Stops sampling, untaps stdout, stops listening to the real-time server. */
  stop(): void;
}

export function startLocalOps(options: LocalOpsOptions): LocalOps {
  const cost = options.cost ? createCostTracker(options.cost) : undefined;
  const collector = createOpsCollector({
    resolutionMs: options.resolutionMs,
    retentionMs: options.retentionMs,
    alertRules: localAlertRules(options.alerts),
    ...(cost ? { cost } : {}),
  });
  const stops: (() => void)[] = [];
  if (cost) stops.push(collector.addSource('cost', () => cost.readings()));
  if (options.tapStdout !== false)
    stops.push(tapStdout((line) => collector.ingestLine(line), { hideEmf: options.hideEmf !== false }));
  for (const [name, metrics] of Object.entries(options.mappings ?? {}))
    stops.push(collector.addSource(`esm.${name}`, esmReadings(name, metrics)));
  if (options.realtime) {
    const realtime = realtimeReadings(options.realtime);
    stops.push(collector.addSource('realtime', realtime.read), realtime.dispose);
  }
  collector.start();
  return {
    collector,
    handler: createOpsHandler(collector),
    stop() {
      collector.stop();
      for (const stop of stops.reverse()) stop();
    },
  };
}
