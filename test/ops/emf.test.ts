/**
 * The collector reads the EMF lines Powertools Metrics really prints: these
 * tests produce them with @aws-lambda-powertools/metrics (through the
 * functions' own `createMetrics`) and catch them on process.stdout.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../functions/runtime/observability.js';
import { createOpsCollector } from '../../local/ops/collector.js';
import { parseEmfLine } from '../../local/ops/emf.js';
import { tapStdout } from '../../local/ops/stdoutTap.js';

let untap: (() => void) | undefined;
afterEach(() => untap?.());

/** Runs `emit` with stdout tapped (EMF lines hidden) and returns the lines written. */
function captureStdout(emit: () => void): string[] {
  const lines: string[] = [];
  untap = tapStdout((line) => lines.push(line), { hideEmf: true });
  try {
    emit();
  } finally {
    untap();
    untap = undefined;
  }
  return lines;
}

describe('EMF lines from Powertools Metrics', () => {
  it('are parsed into namespace, service dimension, units and values', () => {
    const lines = captureStdout(() => {
      const metrics = createMetrics('aggregator', { POWERTOOLS_METRICS_NAMESPACE: 'Alleycat' });
      metrics.addMetric('RecordsReceived', 'Count', 500);
      metrics.addMetric('MalformedRecords', 'Count', 2);
      metrics.addMetric('WindowCloseLatencyMs', 'Milliseconds', 840);
      metrics.publishStoredMetrics();
    });

    expect(lines).toHaveLength(1);
    const parsed = parseEmfLine(lines[0] ?? '');
    expect(parsed.kind).toBe('emf');
    const metrics = parsed.kind === 'emf' ? parsed.metrics : [];
    expect(metrics.map((m) => [m.namespace, m.name, m.unit, m.values, m.dimensions])).toEqual([
      ['Alleycat', 'RecordsReceived', 'Count', [500], { service: 'aggregator' }],
      ['Alleycat', 'MalformedRecords', 'Count', [2], { service: 'aggregator' }],
      ['Alleycat', 'WindowCloseLatencyMs', 'Milliseconds', [840], { service: 'aggregator' }],
    ]);
    expect(metrics[0]?.timestamp).toBeGreaterThan(Date.UTC(2020, 0, 1));
  });

  it('keep every value of a metric added several times before a flush', () => {
    const lines = captureStdout(() => {
      const metrics = new Metrics({ namespace: 'Alleycat', serviceName: 'finalizer' });
      metrics.addMetric('ResultsWritten', MetricUnit.Count, 25);
      metrics.addMetric('ResultsWritten', MetricUnit.Count, 10);
      metrics.publishStoredMetrics();
    });
    const collector = createOpsCollector({ clock: { now: () => 0 } });
    for (const line of lines) collector.ingestLine(line);
    const series = collector.snapshot().series.find((s) => s.id === 'fn.finalizer.ResultsWritten');
    expect(series?.total).toBe(35);
    expect(collector.snapshot().inputs).toMatchObject({ emfLines: 1, emfMetrics: 1, emfInvalid: 0 });
  });

  it('are found behind Lambda’s text log prefix', () => {
    const line =
      '2026-11-23T02:00:00.000Z\t3f1c\tINFO\t{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"A","Dimensions":[[]],"Metrics":[{"Name":"X","Unit":"Count"}]}]},"X":4}';
    const parsed = parseEmfLine(line);
    expect(parsed.kind === 'emf' && parsed.metrics[0]?.values).toEqual([4]);
  });
});

describe('lines that are not valid EMF', () => {
  it('ignores ordinary log lines, including Powertools Logger JSON', () => {
    expect(parseEmfLine('server listening on 127.0.0.1:4000').kind).toBe('not-emf');
    expect(parseEmfLine('{"level":"INFO","message":"window closed","service":"aggregator"}').kind).toBe('not-emf');
  });

  it.each([
    ['broken JSON', '{"_aws": {', 'not valid JSON'],
    [
      'a metric without its value',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"A","Dimensions":[],"Metrics":[{"Name":"X"}]}]}}',
      'metric "X" has no value',
    ],
    [
      'a non-numeric value',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"A","Dimensions":[],"Metrics":[{"Name":"X"}]}]},"X":"many"}',
      'finite number',
    ],
    [
      'a dimension without its value',
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"A","Dimensions":[["service"]],"Metrics":[{"Name":"X"}]}]},"X":1}',
      'dimension "service"',
    ],
    ['no namespace', '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Dimensions":[],"Metrics":[]}]}}', 'Namespace'],
    ['no timestamp', '{"_aws":{"CloudWatchMetrics":[]}}', 'Timestamp'],
  ])('reports %s as invalid and counts it', (_case, line, message) => {
    const parsed = parseEmfLine(line);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.error.message).toContain(message);
    expect(parsed.kind === 'invalid' && parsed.error.name).toBe('EmfFormatError');
    const collector = createOpsCollector();
    collector.ingestLine(line);
    expect(collector.snapshot().inputs).toMatchObject({ emfLines: 1, emfInvalid: 1 });
  });
});

describe('the stdout tap', () => {
  it('passes ordinary output through and restores stdout afterwards', () => {
    const written: string[] = [];
    const fakeStream = { write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WriteStream;
    const seen: string[] = [];
    const restore = tapStdout((line) => seen.push(line), { stream: fakeStream, hideEmf: true });
    fakeStream.write('hello ');
    fakeStream.write('world\nsecond line\n');
    fakeStream.write('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]}}\n');
    restore();
    expect(seen).toEqual(['hello world', 'second line', '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]}}']);
    expect(written).toEqual(['hello ', 'world\nsecond line\n']);
    fakeStream.write('after\n');
    expect(seen).toHaveLength(3);
    expect(written).toContain('after\n');
  });
});
