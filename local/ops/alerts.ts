/**
 * The CloudWatch alarms of the CDK stack, evaluated locally on the collector's
 * series, so that `alleycat status` and the /ops page flag what would page
 * someone in the cloud. Ids are the alarms' names without the `Alarm` suffix
 * (docs/operations.md has one section each). The thresholds are the deployed
 * alarms' own, handed in by whoever starts the ops view.
 */
import type { OpsAlert, OpsSeries } from '../../contract/opsMetrics.js';
import { FAIR_PLAY_METRICS } from '../../contract/opsMetrics.js';

export interface AlertRule {
  /** Alert id for a series this rule watches, or undefined when it does not watch it. */
  watch(series: OpsSeries): string | undefined;
  severity: OpsAlert['severity'];
  /** The message when the series breaches the rule, else undefined. */
  check(series: OpsSeries, resolutionMs: number): string | undefined;
}

/** Evaluates every rule against every series. */
export function evaluateAlerts(
  series: readonly OpsSeries[],
  rules: readonly AlertRule[],
  resolutionMs: number,
): OpsAlert[] {
  const alerts: OpsAlert[] = [];
  for (const rule of rules) {
    for (const s of series) {
      const id = rule.watch(s);
      if (id === undefined) continue;
      const message = rule.check(s, resolutionMs);
      if (message !== undefined) alerts.push({ id, severity: rule.severity, message, seriesId: s.id });
    }
  }
  return alerts;
}

/** Events counted by a rate series over its last `windowMs`. */
export function recentCount(series: OpsSeries, windowMs: number, resolutionMs: number): number {
  const points = series.points.slice(-Math.max(1, Math.round(windowMs / resolutionMs)));
  let sum = 0;
  for (const [, v] of points) sum += (v ?? 0) * (resolutionMs / 1000);
  return Math.round(sum);
}

function capitalized(name: string): string {
  return `${name[0]?.toUpperCase() ?? ''}${name.slice(1)}`;
}

function seriesRule(
  pattern: RegExp,
  alertId: (name: string) => string,
  severity: OpsAlert['severity'],
  check: AlertRule['check'],
): AlertRule {
  return {
    severity,
    watch: (s) => {
      const m = pattern.exec(s.id);
      return m ? alertId(m[1] ?? '') : undefined;
    },
    check,
  };
}

export interface LocalAlertSettings {
  /** Iterator age above which a Kinesis consumer is late (its alarm's threshold). */
  kinesisIteratorAgeSeconds: number;
  /** Iterator age above which the DynamoDB Streams consumer (`allTime`) is late. */
  allTimeIteratorAgeSeconds: number;
}

/** The alarms of the CDK stack, plus local stand-ins where DynamoDB Local cannot reproduce the cloud signal. */
export function localAlertRules(settings: LocalAlertSettings): AlertRule[] {
  const kinesisAgeMs = settings.kinesisIteratorAgeSeconds * 1000;
  const allTimeAgeMs = settings.allTimeIteratorAgeSeconds * 1000;
  const mappingOf = (s: OpsSeries) => s.id.split('.')[1] ?? '';
  return [
    // <fn>IteratorAge: the consumer is further behind its stream than its alarm allows.
    seriesRule(
      /^esm\.([^.]+)\.maxIteratorAgeMs$/,
      (m) => `${capitalized(m)}IteratorAge`,
      'page',
      (s) => {
        const limit = mappingOf(s) === 'allTime' ? allTimeAgeMs : kinesisAgeMs;
        return s.latest !== null && s.latest > limit
          ? `${mappingOf(s)} is ${(s.latest / 1000).toFixed(1)} s behind its stream (alarm above ${limit / 1000} s)`
          : undefined;
      },
    ),
    // <fn>DeadLetters: the event source gave up on a batch; its metadata went to the OnFailure destination.
    seriesRule(
      /^esm\.([^.]+)\.discardedBatches$/,
      (m) => `${capitalized(m)}DeadLetters`,
      'page',
      (s) =>
        s.total !== null && s.total > 0
          ? `${mappingOf(s)}: ${s.total} batch(es) sent to the dead-letter destination`
          : undefined,
    ),
    // PublishFailures: the aggregator could not publish live rankings (last 5 minutes, the alarm's period × 5).
    seriesRule(
      /^fn\.(aggregator)\.PublishFailures$/,
      () => 'PublishFailures',
      'page',
      (s, res) => {
        const n = recentCount(s, 5 * 60_000, res);
        return n > 0 ? `aggregator: ${n} live-ranking publish failure(s) in the last 5 minutes` : undefined;
      },
    ),
    // Local stand-in for the DynamoDB throttling alarms: DynamoDB Local never
    // throttles, but a stopped or overloaded one makes the functions fail and retry.
    seriesRule(
      /^esm\.([^.]+)\.functionErrors$/,
      (m) => `${capitalized(m)}FunctionErrors`,
      'page',
      (s, res) => {
        const n = recentCount(s, 60_000, res);
        return n > 0
          ? `${mappingOf(s)}: ${n} failed invocation(s) in the last minute (retrying; is DynamoDB Local up?)`
          : undefined;
      },
    ),
    // FairPlay: records or finals refused by the fair-play rules (core/fairPlay.ts); riders flagged.
    seriesRule(
      new RegExp(`^fn\\.([^.]+)\\.(${Object.values(FAIR_PLAY_METRICS).join('|')})$`),
      () => 'FairPlay',
      'warn',
      (s, res) => {
        const n = recentCount(s, 5 * 60_000, res);
        return n > 0 ? `${s.id.slice(3)}: ${n} fair-play refusal(s) or flag(s) in the last 5 minutes` : undefined;
      },
    ),
    seriesRule(
      /^fn\.([^.]+)\.MalformedRecords$/,
      (m) => `${capitalized(m)}MalformedRecords`,
      'warn',
      (s, res) => {
        const n = recentCount(s, 5 * 60_000, res);
        return n > 0
          ? `${s.id.split('.')[1] ?? ''}: ${n} malformed record(s) dropped in the last 5 minutes`
          : undefined;
      },
    ),
  ];
}
