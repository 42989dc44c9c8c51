/**
 * The ops view of the stack on /ops/metrics: the mappings' figures, the
 * functions' EMF metrics and the real-time server's figures, with the CDK
 * stack's alarms evaluated on them at their deployed thresholds, and what
 * the AppSync traffic would cost at the list prices of infra/appsyncPrices.ts.
 */
import { MONITORING } from '../../infra/settings.js';
import { APPSYNC_PRICES } from '../../infra/appsyncPrices.js';
import { METERED_MESSAGE_BYTES, type UsageMeter } from '../appsync/index.js';
import type { RealtimeServer } from '../appsync/realtime/index.js';
import { startLocalOps } from '../ops/startLocalOps.js';
import type { HttpRouter } from './httpRouter.js';
import type { StackMapping } from './stackMappings.js';

export interface OpsOptions {
  readonly router: HttpRouter;
  readonly windowSeconds: number;
  readonly raceSeconds: number;
  readonly mappings: readonly StackMapping[];
  readonly realtime: RealtimeServer;
  readonly meter: UsageMeter;
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
    cost: {
      usage: () => o.meter.usage(),
      prices: APPSYNC_PRICES,
      meteredMessageBytes: METERED_MESSAGE_BYTES,
      raceSeconds: o.raceSeconds,
    },
  });
  o.router.add(ops.handler);
  return ops;
}
