/**
 * The collector's time series, with a controlled clock: EMF counts become
 * per-second rates, counters from sources become rates with totals, gauges
 * are sampled, and the alarms' local rules fire on the right series.
 */
import { describe, expect, it } from 'vitest';
import { localAlertRules } from '../../local/ops/alerts.js';
import { createOpsCollector } from '../../local/ops/collector.js';
import { esmReadings } from '../../local/ops/esmReadings.js';
import { realtimeReadings } from '../../local/ops/realtimeReadings.js';
import type { ShardMetrics } from '../../local/esm/types.js';
import { emptyMetrics } from '../../local/esm/shardMetrics.js';
import type { OpsSnapshot } from '../../contract/opsMetrics.js';

function emfLine(service: string, metrics: Record<string, [unit: string, value: number | number[]]>): string {
  const values: Record<string, number | number[]> = {};
  for (const [name, [, value]] of Object.entries(metrics)) values[name] = value;
  return JSON.stringify({
    _aws: {
      Timestamp: 1,
      CloudWatchMetrics: [
        {
          Namespace: 'Alleycat',
          Dimensions: [['service']],
          Metrics: Object.entries(metrics).map(([Name, [Unit]]) => ({ Name, Unit })),
        },
      ],
    },
    service,
    ...values,
  });
}

function shard(shardId: string, figures: Partial<ShardMetrics> = {}): ShardMetrics {
  return { ...emptyMetrics(shardId), millisBehindLatest: 0, ...figures };
}

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function seriesOf(snapshot: OpsSnapshot, id: string) {
  const s = snapshot.series.find((x) => x.id === id);
  if (!s) throw new Error(`no series ${id} in ${snapshot.series.map((x) => x.id).join(', ')}`);
  return s;
}

describe('functions’ EMF metrics', () => {
  it('turn counts into per-second rates per interval, with totals, and latencies into interval maxima', () => {
    const clock = fakeClock();
    const collector = createOpsCollector({ clock, resolutionMs: 2_000 });
    collector.ingestLine(
      emfLine('aggregator', { RecordsReceived: ['Count', 3000], WindowCloseLatencyMs: ['Milliseconds', 400] }),
    );
    collector.ingestLine(
      emfLine('aggregator', { RecordsReceived: ['Count', 1000], WindowCloseLatencyMs: ['Milliseconds', [900, 300]] }),
    );
    clock.advance(2_000);
    collector.sample();
    clock.advance(2_000);
    collector.sample();

    const snapshot = collector.snapshot();
    const received = seriesOf(snapshot, 'fn.aggregator.RecordsReceived');
    expect(received).toMatchObject({ group: 'functions', kind: 'rate', unit: 'Count/Second', total: 4000 });
    expect(received.points).toEqual([
      [1_002_000, 2000],
      [1_004_000, 0],
    ]);
    const latency = seriesOf(snapshot, 'fn.aggregator.WindowCloseLatencyMs');
    expect(latency).toMatchObject({ kind: 'max', unit: 'Milliseconds', latest: 900, total: null });
    // No window closed in the second interval: a gap, not a zero latency.
    expect(latency.points).toEqual([
      [1_002_000, 900],
      [1_004_000, null],
    ]);
  });

  it('keep only the retention window', () => {
    const clock = fakeClock();
    const collector = createOpsCollector({ clock, resolutionMs: 1_000, retentionMs: 5_000 });
    for (let i = 1; i <= 8; i += 1) {
      collector.ingestLine(emfLine('finalizer', { ResultsWritten: ['Count', i] }));
      clock.advance(1_000);
      collector.sample();
    }
    const points = seriesOf(collector.snapshot(), 'fn.finalizer.ResultsWritten').points;
    expect(points.map(([, v]) => v)).toEqual([4, 5, 6, 7, 8]);
    expect(seriesOf(collector.snapshot({ since: 1_006_000 }), 'fn.finalizer.ResultsWritten').points).toEqual([
      [1_007_000, 7],
      [1_008_000, 8],
    ]);
  });
});

describe('event-source runtime figures', () => {
  it('show iterator age per shard and its maximum, and counters as rates with totals', () => {
    const clock = fakeClock();
    const collector = createOpsCollector({ clock, resolutionMs: 2_000 });
    let shards = [
      shard('shardId-0', { iteratorAgeMs: 800, batches: 10, retries: 0 }),
      shard('shardId-1', { iteratorAgeMs: 1500, batches: 5 }),
    ];
    collector.addSource(
      'esm.aggregator',
      esmReadings('aggregator', () => shards),
    );
    clock.advance(2_000);
    collector.sample();
    shards = [
      shard('shardId-0', { iteratorAgeMs: 200, batches: 14, retries: 2, bisections: 1 }),
      shard('shardId-1', { iteratorAgeMs: 300, batches: 9 }),
    ];
    clock.advance(2_000);
    collector.sample();

    const snapshot = collector.snapshot();
    expect(seriesOf(snapshot, 'esm.aggregator.maxIteratorAgeMs').points.map(([, v]) => v)).toEqual([1500, 300]);
    expect(seriesOf(snapshot, 'esm.aggregator.iteratorAgeMs.shardId-1')).toMatchObject({
      kind: 'gauge',
      unit: 'Milliseconds',
      latest: 300,
    });
    const batches = seriesOf(snapshot, 'esm.aggregator.batches');
    expect(batches).toMatchObject({ kind: 'rate', total: 23 });
    // 8 more batches in 2 s.
    expect(batches.points.map(([, v]) => v)).toEqual([0, 4]);
    expect(seriesOf(snapshot, 'esm.aggregator.retries').total).toBe(2);
    expect(seriesOf(snapshot, 'esm.aggregator.bisections').total).toBe(1);
  });

  it('keeps sampling the other sources when one throws, and says which failed', () => {
    const clock = fakeClock();
    const collector = createOpsCollector({ clock });
    collector.addSource('esm.broken', () => {
      throw new Error('mapping stopped');
    });
    collector.addSource(
      'esm.finalizer',
      esmReadings('finalizer', () => [shard('shardId-0', { batches: 1 })]),
    );
    collector.sample();
    const snapshot = collector.snapshot();
    expect(snapshot.inputs.sourceErrors).toEqual({ 'esm.broken': 'mapping stopped' });
    expect(seriesOf(snapshot, 'esm.finalizer.batches').total).toBe(1);
  });
});

describe('real-time server figures', () => {
  it('count connections, subscriptions (per class when offered) and messages delivered per second', () => {
    const clock = fakeClock();
    const collector = createOpsCollector({ clock, resolutionMs: 2_000 });
    let publish: (report: { delivered: number; oversized: number }) => void = () => undefined;
    const source = realtimeReadings({
      connectionCount: () => 3,
      stats: () => ({ subscriptions: 4, groups: 2 }),
      onPublish: (listener) => {
        publish = listener;
        return () => undefined;
      },
      subscriptionsByArgument: (argument): Record<string, number> => (argument === 'classId' ? { '1': 3, '2': 1 } : {}),
    });
    collector.addSource('realtime', source.read);
    clock.advance(2_000);
    collector.sample();
    publish({ delivered: 3, oversized: 0 });
    publish({ delivered: 1, oversized: 1 });
    clock.advance(2_000);
    collector.sample();

    const snapshot = collector.snapshot();
    expect(seriesOf(snapshot, 'realtime.connections').latest).toBe(3);
    expect(seriesOf(snapshot, 'realtime.subscriptions.class.1').latest).toBe(3);
    expect(seriesOf(snapshot, 'realtime.messagesOut')).toMatchObject({ latest: 2, total: 4 });
    expect(seriesOf(snapshot, 'realtime.oversizedEvents').total).toBe(1);
  });
});

describe('local alerts (the CDK alarms, evaluated locally)', () => {
  it('flag a consumer behind by more than window + 30 s, dead-letter messages, publish failures and failing invocations', () => {
    const clock = fakeClock();
    const collector = createOpsCollector({
      clock,
      resolutionMs: 2_000,
      alertRules: localAlertRules({ kinesisIteratorAgeSeconds: 35, allTimeIteratorAgeSeconds: 300 }),
    });
    let aggregator = [shard('shardId-0', { iteratorAgeMs: 30_000 })];
    collector.addSource(
      'esm.aggregator',
      esmReadings('aggregator', () => aggregator),
    );
    collector.addSource(
      'esm.finalizer',
      esmReadings('finalizer', () => [shard('shardId-0', { discardedBatches: 1, functionErrors: 0 })]),
    );
    clock.advance(2_000);
    collector.sample();
    expect(collector.snapshot().alerts.map((a) => a.id)).toEqual(['FinalizerDeadLetters']);

    aggregator = [shard('shardId-0', { iteratorAgeMs: 41_000, functionErrors: 2 })];
    collector.ingestLine(emfLine('aggregator', { PublishFailures: ['Count', 1], MalformedRecords: ['Count', 3] }));
    clock.advance(2_000);
    collector.sample();
    const alerts = collector.snapshot().alerts;
    expect(alerts.map((a) => [a.id, a.severity])).toEqual([
      ['AggregatorIteratorAge', 'page'],
      ['FinalizerDeadLetters', 'page'],
      ['PublishFailures', 'page'],
      ['AggregatorFunctionErrors', 'page'],
      ['AggregatorMalformedRecords', 'warn'],
    ]);
    expect(alerts[0]?.message).toBe('aggregator is 41.0 s behind its stream (alarm above 35 s)');
    expect(alerts[3]?.message).toContain('2 failed invocation(s)');
    expect(alerts[4]?.message).toContain('3 malformed record(s)');
  });
});
