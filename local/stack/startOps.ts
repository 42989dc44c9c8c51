/**
 * The ops view of the stack on /ops/metrics: the mappings' figures, the
 * functions' EMF metrics and the real-time server's figures, with the CDK
 * stack's alarms evaluated on them at their deployed thresholds.
 */
import { MONITORING } from '../../infra/settings.js';
import type { RealtimeServer } from '../appsync/realtime/index.js';
import { startLocalOps } from '../ops/startLocalOps.js';
import type { HttpRouter } from './httpRouter.js';
import type { StackMapping } from './stackMappings.js';

export interface OpsOptions {
  readonly router: HttpRouter;
  readonly windowSeconds: number;
  readonly mappings: readonly StackMapping[];
  readonly realtime: RealtimeServer;
}

export function startOps(o: OpsOptions): { stop(): void } {
  const ops = startLocalOps({
    alerts: {
      // A Kinesis consumer alarms once it is more than one tumbling window plus the margin behind.
      kinesisIteratorAgeSeconds: o.windowSeconds + MONITORING.iteratorAgeMarginSeconds,
      allTimeIteratorAgeSeconds: MONITORING.allTimeIteratorAgeSeconds,
    },
    mappings: Object.fromEntries(o.mappings.map((m) => [m.name, () => m.mapping.metrics().shards])),
    realtime: o.realtime,
  });
  o.router.add(ops.handler);
  return ops;
}
