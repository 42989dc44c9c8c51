import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { EMF_METRICS } from '../../infra/constructs/Monitoring.js';
import { REPO_ROOT } from '../../infra/paths.js';
import { MAPPINGS, MONITORING, SERVICE_NAMES } from '../../infra/settings.js';
import { logicalId, onlyResource, resourcesOfType, synthAlleycat, type Synthesized } from './synthAlleycat.js';

type Name = keyof typeof SERVICE_NAMES;
const NAMES: readonly Name[] = ['aggregator', 'finalizer', 'allTime'];
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:alleycat-oncall';

let s: Synthesized;
let wide: Synthesized;
beforeAll(async () => {
  s = await synthAlleycat();
  wide = await synthAlleycat({ windowSeconds: 10, alarmTopicArn: TOPIC });
});

function alarmProps(from: Synthesized, pick: (id: string) => boolean): Record<string, unknown> {
  const alarms: Alarm[] = from.stack.monitoring.alarms;
  const ids = alarms.map((a) => logicalId(from.stack, a)).filter(pick);
  if (ids.length !== 1) throw new Error(`expected one alarm, found ${ids.join(', ') || 'none'}`);
  return resourcesOfType(from.template, 'AWS::CloudWatch::Alarm')[ids[0] as string]?.Properties ?? {};
}
const byId = (fragment: string) => (id: string) => id.includes(fragment);
const fnRef = (from: Synthesized, name: Name) => ({
  Ref: logicalId(from.stack, from.stack.pipeline.functions[name].fn),
});

describe('alarms', () => {
  it('iterator age of each Kinesis consumer above one window plus the margin', () => {
    const ms = (MAPPINGS.aggregator.tumblingWindowInSeconds + MONITORING.iteratorAgeMarginSeconds) * 1000;
    expect(ms).toBe(35_000);
    for (const name of ['aggregator', 'finalizer'] as const) {
      expect(alarmProps(s, byId(`${name[0]?.toUpperCase()}${name.slice(1)}IteratorAge`))).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'IteratorAge',
        Dimensions: [{ Name: 'FunctionName', Value: fnRef(s, name) }],
        Statistic: 'Maximum',
        Threshold: ms,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: MONITORING.evaluationPeriods,
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('the iterator-age threshold follows the window', () => {
    expect(alarmProps(wide, byId('AggregatorIteratorAge')).Threshold).toBe(
      (10 + MONITORING.iteratorAgeMarginSeconds) * 1000,
    );
  });

  it('iterator age of the table-stream consumer', () => {
    expect(alarmProps(s, byId('AllTimeIteratorAge'))).toMatchObject({
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: fnRef(s, 'allTime') }],
      Threshold: MONITORING.allTimeIteratorAgeSeconds * 1000,
    });
  });

  it('any message in any dead-letter queue', () => {
    for (const name of NAMES) {
      const queue = logicalId(s.stack, s.stack.pipeline.functions[name].deadLetterQueue);
      expect(alarmProps(s, byId(`${name[0]?.toUpperCase()}${name.slice(1)}DeadLetters`))).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
      });
    }
  });

  it('any failed publish of live rankings (the aggregator EMF metric)', () => {
    expect(alarmProps(s, byId('PublishFailures'))).toMatchObject({
      Namespace: 'Alleycat',
      MetricName: 'PublishFailures',
      Dimensions: [{ Name: 'service', Value: SERVICE_NAMES.aggregator }],
      Statistic: 'Sum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('any DynamoDB throttling: throttled requests of every operation, read and write throttle events', () => {
    const [tableId] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    const requests = alarmProps(s, byId('TableThrottledRequests'));
    expect(requests.Threshold).toBe(0);
    const metrics = requests.Metrics as Array<{
      Expression?: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> } };
    }>;
    const operations = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
    expect(new Set(operations.map((m) => m.MetricName))).toEqual(new Set(['ThrottledRequests']));
    expect(operations.map((m) => m.Dimensions.find((d) => d.Name === 'Operation')?.Value).sort()).toEqual([
      'BatchGetItem',
      'BatchWriteItem',
      'DeleteItem',
      'GetItem',
      'PutItem',
      'Query',
      'TransactWriteItems',
      'UpdateItem',
    ]);
    expect(metrics.filter((m) => m.Expression !== undefined)).toHaveLength(1);
    for (const metricName of ['ReadThrottleEvents', 'WriteThrottleEvents']) {
      expect(alarmProps(s, byId(`Table${metricName}`))).toMatchObject({
        Namespace: 'AWS/DynamoDB',
        MetricName: metricName,
        Dimensions: [{ Name: 'TableName', Value: { Ref: tableId } }],
        Threshold: 0,
      });
    }
  });

  it('a Kinesis consumer not invoked while records come in (a mapping that cannot read)', () => {
    const [streamId] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    for (const fn of ['aggregator', 'finalizer'] as const) {
      const name = `${fn[0]?.toUpperCase()}${fn.slice(1)}NotReading`;
      const props = alarmProps(s, byId(name));
      expect(props).toMatchObject({
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: MONITORING.evaluationPeriods,
        TreatMissingData: 'notBreaching',
      });
      const metrics = props.Metrics as Array<Record<string, unknown>>;
      const expression = metrics.find((m) => typeof m.Expression === 'string');
      expect(expression?.Expression).toBe(`IF(incoming_${fn} > 0 AND FILL(invocations_${fn}, 0) == 0, 1, 0)`);
      const stat = (id: string) =>
        (metrics.find((m) => m.Id === id)?.MetricStat as { Metric: Record<string, unknown>; Stat: string }) ??
        undefined;
      expect(stat(`incoming_${fn}`)).toMatchObject({
        Metric: {
          Namespace: 'AWS/Kinesis',
          MetricName: 'IncomingRecords',
          Dimensions: [{ Name: 'StreamName', Value: { Ref: streamId } }],
        },
        Stat: 'Sum',
      });
      expect(stat(`invocations_${fn}`)).toMatchObject({
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: 'Invocations',
          Dimensions: [{ Name: 'FunctionName', Value: fnRef(s, fn) }],
        },
        Stat: 'Sum',
      });
    }
  });

  it('AppSync 5XX rate above the settings threshold', () => {
    const [apiId] = onlyResource(s.template, 'AWS::AppSync::GraphQLApi');
    expect(alarmProps(s, byId('Api5xxRate'))).toMatchObject({
      Namespace: 'AWS/AppSync',
      MetricName: '5XXError',
      Dimensions: [{ Name: 'GraphQLAPIId', Value: { 'Fn::GetAtt': [apiId, 'ApiId'] } }],
      Statistic: 'Average',
      Threshold: MONITORING.appSync5xxRate,
      EvaluationPeriods: MONITORING.evaluationPeriods,
    });
  });

  it('are named after the stack and the runbook sections of docs/operations.md', () => {
    const names = Object.values(resourcesOfType(s.template, 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties?.AlarmName,
    );
    expect(names.sort()).toEqual(
      [
        'AggregatorIteratorAge',
        'FinalizerIteratorAge',
        'AllTimeIteratorAge',
        'AggregatorDeadLetters',
        'FinalizerDeadLetters',
        'AllTimeDeadLetters',
        'PublishFailures',
        'TableThrottledRequests',
        'TableReadThrottleEvents',
        'TableWriteThrottleEvents',
        'Api5xxRate',
        'Api4xxRate',
        'StreamWriteThrottles',
        'StreamReadThrottles',
        'AggregatorErrors',
        'FinalizerErrors',
        'AllTimeErrors',
        'AggregatorThrottles',
        'FinalizerThrottles',
        'AllTimeThrottles',
        'RaceCloseFailures',
        'CloseTickFailures',
        'CloseScheduleFailedInvocations',
        'AggregatorNotReading',
        'FinalizerNotReading',
      ]
        .map((n) => `Alleycat-dev-${n}`)
        .sort(),
    );
    // Every alarm has its runbook section.
    const runbook = readFileSync(path.join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    for (const name of names) expect(runbook).toContain(`\`${String(name).replace('Alleycat-dev-', '')}\``);
  });

  it('Kinesis write and read throttling, Lambda errors and throttles, AppSync 4XX, failed race closes', () => {
    const [streamId] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    expect(alarmProps(s, byId('StreamWriteThrottles'))).toMatchObject({
      Namespace: 'AWS/Kinesis',
      MetricName: 'PutRecords.ThrottledRecords',
      Dimensions: [{ Name: 'StreamName', Value: { Ref: streamId } }],
      Threshold: 0,
    });
    expect(alarmProps(s, byId('StreamReadThrottles'))).toMatchObject({
      Namespace: 'AWS/Kinesis',
      MetricName: 'ReadProvisionedThroughputExceeded',
      Threshold: 0,
    });
    for (const fn of ['Aggregator', 'Finalizer', 'AllTime']) {
      expect(alarmProps(s, byId(`${fn}Errors`))).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
      expect(alarmProps(s, byId(`${fn}Throttles`))).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
    }
    expect(alarmProps(s, byId('Api4xxRate'))).toMatchObject({
      Namespace: 'AWS/AppSync',
      MetricName: '4XXError',
      Statistic: 'Average',
      Threshold: MONITORING.appSync4xxRate,
    });
    expect(alarmProps(s, byId('RaceCloseFailures'))).toMatchObject({
      Namespace: MONITORING.metricsNamespace,
      MetricName: 'RaceCloseFailures',
      Dimensions: [{ Name: 'service', Value: 'finalizer' }],
    });
    expect(alarmProps(s, byId('CloseScheduleFailedInvocations'))).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'FailedInvocations',
    });
  });

  it('notify (alarm and recovery) the SNS topic given as context, else a TLS-only topic of the stack', () => {
    const withTopic = Object.values(resourcesOfType(wide.template, 'AWS::CloudWatch::Alarm'));
    expect(withTopic.length).toBe(wide.stack.monitoring.alarms.length);
    for (const a of withTopic) expect(a.Properties?.AlarmActions).toEqual([TOPIC]);
    expect(Object.keys(wide.template.findResources('AWS::SNS::Topic'))).toEqual([]);
    const [topicId] = onlyResource(s.template, 'AWS::SNS::Topic');
    for (const a of Object.values(resourcesOfType(s.template, 'AWS::CloudWatch::Alarm'))) {
      expect(a.Properties?.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(a.Properties?.OKActions).toEqual([{ Ref: topicId }]);
    }
    s.template.hasOutput('AlarmTopicArn', { Value: { Ref: topicId } });
    s.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] },
    });
  });

  it('warn at synth (and fail a --strict deploy) when nobody would hear them', async () => {
    const warnings = (from: Synthesized) =>
      Annotations.fromStack(from.stack).findWarning('*', Match.stringLikeRegexp('alarm topic has no subscriber'));
    expect(warnings(s)).toHaveLength(1);
    expect(warnings(await synthAlleycat({ alarmEmail: 'oncall@example.org' }))).toEqual([]);
    expect(warnings(await synthAlleycat({ alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:pager' }))).toEqual([]);
  });

  it('mail an address given as context (confirmed by its owner)', async () => {
    const mailed = await synthAlleycat({ alarmEmail: 'oncall@example.org' });
    const [topicId] = onlyResource(mailed.template, 'AWS::SNS::Topic');
    mailed.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.org',
      TopicArn: { Ref: topicId },
    });
  });
});

describe('the dashboard', () => {
  let body = '';
  beforeAll(() => {
    const [, dashboard] = onlyResource(s.template, 'AWS::CloudWatch::Dashboard');
    body = JSON.stringify(dashboard.Properties?.DashboardBody);
  });

  it('is named after the stack', () => {
    s.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Alleycat-dev' });
  });

  it('shows iterator age, Lambda errors, throttles and duration per consumer', () => {
    for (const metric of ['IteratorAge', 'Errors', 'Throttles', 'Duration'])
      expect(body).toContain(`\\"AWS/Lambda\\",\\"${metric}\\"`);
  });

  it("shows records in (Kinesis) and the functions' EMF metrics, including the malformed rate", () => {
    expect(body).toContain('\\"AWS/Kinesis\\",\\"IncomingRecords\\"');
    for (const name of NAMES) {
      for (const metric of EMF_METRICS[name])
        expect(body, `${name} ${metric}`).toContain(
          `\\"Alleycat\\",\\"${metric}\\",\\"service\\",\\"${SERVICE_NAMES[name]}\\"`,
        );
    }
    expect(body).toContain('100 * malformed_aggregator / received_aggregator');
  });

  it('shows DynamoDB throttles and consumed capacity, and the dead-letter queue depth', () => {
    for (const metric of [
      'ThrottledRequests',
      'ReadThrottleEvents',
      'WriteThrottleEvents',
      'ConsumedReadCapacityUnits',
      'ConsumedWriteCapacityUnits',
    ]) {
      expect(body).toContain(`\\"AWS/DynamoDB\\",\\"${metric}\\"`);
    }
    expect(body).toContain('\\"AWS/SQS\\",\\"ApproximateNumberOfMessagesVisible\\"');
  });

  it('shows AppSync errors, latency and real-time figures', () => {
    for (const metric of [
      '4XXError',
      '5XXError',
      'Latency',
      'ConnectSuccess',
      'ActiveConnections',
      'PublishDataMessageSuccess',
    ]) {
      expect(body).toContain(`\\"AWS/AppSync\\",\\"${metric}\\"`);
    }
  });
});

describe('EMF metric names', () => {
  /** Every `addMetric('Name'` in a function's own folder. */
  function emittedBy(name: Name): Set<string> {
    const dir = path.join(REPO_ROOT, 'functions', name);
    const names = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      for (const m of readFileSync(path.join(dir, file), 'utf8').matchAll(/addMetric\(\s*'([A-Za-z]+)'/g))
        names.add(m[1] as string);
    }
    return names;
  }

  for (const name of NAMES) {
    it(`${name}: the dashboard charts exactly what functions/${name} emits`, () => {
      expect([...emittedBy(name)].sort()).toEqual([...EMF_METRICS[name]].sort());
    });
  }
});
