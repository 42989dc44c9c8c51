/**
 * The finalizer's scheduled close on the local stack: what the CDK stack's
 * EventBridge rule does (infra/constructs/Pipeline.ts), a timer at the rate of
 * infra/settings.ts CLOSE_SCHEDULE invoking the finalizer's handler with the
 * event such a rule sends (a Scheduled Event).
 *
 * Differences from AWS, on purpose: EventBridge fires at a fixed rate and
 * Lambda would run a tick that comes while the previous one still runs in
 * another instance; here such a tick is skipped (one process; the finalizer's
 * close claims make both equivalent). A failed tick is tried again up to
 * CLOSE_SCHEDULE.retryAttempts times, as Lambda retries the asynchronous
 * invocation (Lambda waits about 1 and 2 minutes between attempts; here the
 * retry comes at once), and only then counted as failed and logged, where the
 * CDK stack puts it in the failure queue its alarm watches.
 */
import { randomUUID } from 'node:crypto';
import { CLOSE_SCHEDULE, FUNCTIONS } from '../../infra/settings.js';
import type { LambdaHandler } from '../esm/eventSourceMapping.js';
import { lambdaContext } from '../esm/lambdaContext.js';

/** The local rule's name (its ARN is the event's `resources`). */
export const CLOSE_SCHEDULE_RULE = 'alleycat-close-schedule';

/** The interval of the schedule in the settings, in ms. */
export function closeScheduleIntervalMs(): number {
  return CLOSE_SCHEDULE.rateMinutes * 60_000;
}

/** EventBridge's Scheduled Event for a rule firing at `atMillis`. */
export function scheduledEvent(atMillis: number, region: string, accountId: string): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: accountId,
    // EventBridge gives the scheduled time in whole seconds.
    time: `${new Date(atMillis).toISOString().slice(0, 19)}Z`,
    region,
    resources: [`arn:aws:events:${region}:${accountId}:rule/${CLOSE_SCHEDULE_RULE}`],
    detail: {},
  };
}

export interface CloseScheduleOptions {
  /** The finalizer's handler (the same one its event-source mapping invokes). */
  handler: LambdaHandler;
  region: string;
  accountId: string;
  /** Default: the settings' rate. */
  intervalMs?: number;
  /** Where failures are reported (the terminal; CloudWatch Logs on AWS). */
  log: (line: string) => void;
  now?: () => number;
}

export interface CloseSchedule {
  /** Ticks that invoked the handler, and those of them that failed. */
  readonly ticks: { invoked: number; failed: number; skipped: number; retried: number };
  /** Stops the timer and waits for a running tick. */
  stop(): Promise<void>;
}

/** Starts the schedule; the first tick comes one interval after the start, as with a new rule. */
export function startCloseSchedule(o: CloseScheduleOptions): CloseSchedule {
  const now = o.now ?? Date.now;
  const intervalMs = o.intervalMs ?? closeScheduleIntervalMs();
  const ticks = { invoked: 0, failed: 0, skipped: 0, retried: 0 };
  let running: Promise<void> | undefined;

  const tick = (): void => {
    if (running !== undefined) {
      ticks.skipped += 1;
      return;
    }
    ticks.invoked += 1;
    const context = lambdaContext({
      functionName: 'finalizer',
      region: o.region,
      accountId: o.accountId,
      memoryMb: FUNCTIONS.memorySize.finalizer,
      timeoutMs: FUNCTIONS.timeoutSeconds.finalizer * 1000,
    });
    running = (async () => {
      const event = scheduledEvent(now(), o.region, o.accountId);
      const invoke = () => (o.handler as (event: unknown, context: unknown) => unknown)(event, context);
      try {
        for (let attempt = 0; ; attempt += 1) {
          try {
            await invoke();
            break;
          } catch (error) {
            if (attempt >= CLOSE_SCHEDULE.retryAttempts) throw error;
            ticks.retried += 1;
          }
        }
      } catch (error) {
        ticks.failed += 1;
        o.log(
          `[finalizer] scheduled close failed: ${error instanceof Error ? error.message : String(error)} (after ${
            CLOSE_SCHEDULE.retryAttempts
          } retries; the next tick tries again)`,
        );
      } finally {
        running = undefined;
      }
    })();
  };

  const timer = setInterval(tick, intervalMs);
  // The schedule alone must not keep a process alive (the stack's servers do).
  timer.unref();
  return {
    ticks,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
