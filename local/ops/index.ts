/**
 * Local operations view: the local stack's metrics collector and
 * `GET /ops/metrics`.
 *
 * ## For the local stack (local/stack)
 * One call wires everything (functions in the stack's own process):
 * ```ts
 * const ops = startLocalOps({
 *   alerts: { kinesisIteratorAgeSeconds, allTimeIteratorAgeSeconds }, // the alarms' thresholds
 *   mappings: { aggregator: () => aggregatorMapping.metrics(), finalizer: …, allTime: … }, // ShardMetrics[] of local/esm
 *   realtime: realtimeServer,            // connectionCount(), stats(), onPublish(); subscriptionsByArgument('classId') if offered
 *   cost: { usage: () => meter.usage(), prices, meteredMessageBytes, raceSeconds }, // the AppSync usage meter, priced
 * });
 * httpServer.on('request', (req, res) => { if (ops.handler(req, res)) return; … });
 * // on shutdown: ops.stop();
 * ```
 * The functions' Powertools Metrics print one EMF JSON object per line to
 * `process.stdout`; `startLocalOps` taps `process.stdout.write` (and, by
 * default, keeps those lines off the terminal). If the functions run in a
 * child process instead, pass `tapStdout: false` and feed each line of the
 * child's stdout to `ops.collector.ingestLine(line)` (non-EMF lines are ignored).
 * `alleycat status` finds the endpoint at `<origin of graphqlUrl>/ops/metrics`
 * (or `opsUrl` in .alleycat/endpoints.json, if the stack writes one).
 *
 * ## For the web app's /ops page (web/)
 * `GET /ops/metrics[?since=<epochMs>][&prefix=<id prefix>]` returns
 * `OpsSnapshot` (contract/opsMetrics.ts), e.g.
 * ```json
 * { "version": 1, "now": 1763870000000, "startedAt": 1763869400000,
 *   "resolutionMs": 2000, "retentionMs": 600000,
 *   "series": [
 *     { "id": "esm.aggregator.maxIteratorAgeMs", "group": "eventSource",
 *       "label": "aggregator: iterator age (max of shards)", "unit": "Milliseconds",
 *       "kind": "gauge", "latest": 1200, "total": null,
 *       "points": [[1763869998000, 900], [1763870000000, 1200]] },
 *     { "id": "fn.aggregator.RecordsReceived", "group": "functions",
 *       "label": "aggregator: RecordsReceived", "unit": "Count/Second",
 *       "kind": "rate", "latest": 1000, "total": 60000, "points": [[1763870000000, 1000]] },
 *     { "id": "realtime.connections", "group": "realtime", "label": "connections",
 *       "unit": "Count", "kind": "gauge", "latest": 3, "total": null, "points": [[1763870000000, 3]] } ],
 *   "alerts": [ { "id": "AggregatorIteratorAge", "severity": "page",
 *                 "message": "aggregator is 41.0 s behind its stream (alarm above 35 s)",
 *                 "seriesId": "esm.aggregator.maxIteratorAgeMs" } ],
 *   "inputs": { "emfLines": 120, "emfMetrics": 480, "emfInvalid": 0, "lastEmfError": null, "sourceErrors": {} } }
 * ```
 * With `cost`, the snapshot also has a `cost` section (contract/opsCost.ts):
 * AppSync billing units and their list price since start, for the running
 * race so far and extrapolated over the race, and for the last race
 * (costTracker.ts); `alleycat status` renders it with renderCost.ts.
 * Series ids: `fn.<service>.<EmfMetricName>`, `esm.<mapping>.<figure>` (per
 * shard: `esm.<mapping>.iteratorAgeMs.<shardId>`), `realtime.<figure>`.
 * Points are `[epochMs, value | null]`, oldest first, one per `resolutionMs`;
 * `rate` series are per second, `max` series are the interval's maximum.
 * Poll every few seconds; with `since` = the newest point you hold, only new
 * points come back (append them and drop points older than `retentionMs`).
 */
export { createOpsCollector, type OpsCollector, type OpsCollectorOptions, type SnapshotQuery } from './collector.js';
export { createOpsHandler, OPS_METRICS_PATH, type OpsHandler } from './opsHandler.js';
export { startLocalOps, type LocalOps, type LocalOpsOptions } from './startLocalOps.js';
export { parseEmfLine, type EmfMetric, type EmfParseResult } from './emf.js';
export { tapStdout, type TapOptions } from './stdoutTap.js';
export { esmReadings } from './esmReadings.js';
export { realtimeReadings, type RealtimeFigures, type RealtimeReadingSource } from './realtimeReadings.js';
export { localAlertRules, evaluateAlerts, type AlertRule, type LocalAlertSettings } from './alerts.js';
export { createRingBuffer, type RingBuffer } from './ringBuffer.js';
export { createLineSplitter, type LineSplitter } from './lineSplitter.js';
export { OpsError, EmfFormatError, OpsUnavailableError } from './errors.js';
export type { Reading, ReadingSource } from './types.js';
export { renderStatus, sparkline, type RenderOptions } from './renderStatus.js';
export { renderCost } from './renderCost.js';
export { createCostTracker, type CostTracker, type CostTrackerOptions } from './costTracker.js';
export { costFigures, usageBetween, priced, type PeriodUsage } from './costFigures.js';
