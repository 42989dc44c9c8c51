/**
 * One dashboard of the whole pipeline and the alarms an operator
 * needs. The functions' own metrics are EMF in namespace Alleycat with the
 * Powertools `service` dimension (SERVICE_NAMES).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MONITORING, SERVICE_NAMES } from '../settings.js';
import type { FunctionName, StreamFunction } from './StreamFunction.js';

/** The EMF metrics each function emits (metric names are the functions' contract with this dashboard). */
export const EMF_METRICS: Readonly<Record<FunctionName, readonly string[]>> = {
  aggregator: [
    'RecordsReceived',
    'MalformedRecords',
    'WindowsClosed',
    'WindowCloseLatencyMs',
    'SnapshotWrites',
    'PublishFailures',
    'PublishesSkipped',
    'PublishesHeld',
    'ShardsGivenUp',
    'LivePublishes',
    'BandsPublished',
    'OversizedBands',
    'BoardWriteCalls',
    'BoardStoreFailures',
    'RidersRefused',
    'RecordsRefused',
    'FairPlayFlags',
    'LateJoinersRefused',
    'LateRecordsRefused',
  ],
  finalizer: [
    'RecordsReceived',
    'MalformedRecords',
    'ResultsWritten',
    'FinalsStored',
    'RacesClosed',
    'RaceClosesContinued',
    'NotFinishedResults',
    'RaceCloseFailures',
    'ShardPositionFailures',
    'FinalsRefused',
    'FinalsNotAdmitted',
    'LateFinalsRefused',
    'ConflictingFinals',
    'FlaggedResults',
  ],
  allTime: [
    'AllTimeApplied',
    'AllTimeChangesApplied',
    'AllTimeReplaySkipped',
    'FlaggedResultsSkipped',
    'RankingHeadsWritten',
    'AllTimeRecordsDeferred',
  ],
};

/** Table operations the pipeline and the API use (ThrottledRequests has an Operation dimension). */
const TABLE_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.QUERY,
  Operation.BATCH_WRITE_ITEM,
  Operation.BATCH_GET_ITEM,
  // The finalizer writes results in transactions.
  Operation.TRANSACT_WRITE_ITEMS,
];

export interface MonitoringProps {
  readonly table: Table;
  readonly stream: IStream;
  readonly api: GraphqlApi;
  readonly functions: Readonly<Record<FunctionName, StreamFunction>>;
  readonly windowSeconds: number;
  /** Where every alarm notifies: an alarm nobody hears is no alarm. */
  readonly alarmTopic: ITopic;
  /** The scheduled close's failure queue (failed after retries, or not delivered). */
  readonly closeTickFailures: IQueue;
  /** The scheduled close's EventBridge rule. */
  readonly closeSchedule: IRule;
}

export class Monitoring extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  private readonly period = Duration.seconds(MONITORING.periodSeconds);

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { functions, table, api, stream } = props;
    const names = Object.keys(functions) as FunctionName[];

    const emf = (fn: FunctionName, metricName: string, statistic = 'Sum'): Metric =>
      new Metric({
        namespace: MONITORING.metricsNamespace,
        metricName,
        dimensionsMap: { service: SERVICE_NAMES[fn] },
        statistic,
        period: this.period,
      });
    const appsync = (metricName: string, statistic: string): Metric =>
      new Metric({
        namespace: 'AWS/AppSync',
        metricName,
        dimensionsMap: { GraphQLAPIId: api.apiId },
        statistic,
        period: this.period,
      });
    const iteratorAge = (fn: FunctionName): Metric =>
      functions[fn].fn.metric('IteratorAge', { statistic: 'Maximum', period: this.period });
    const malformedRate = (fn: FunctionName): MathExpression =>
      new MathExpression({
        // Metric ids are unique per function: two rates share one graph.
        expression: `IF(received_${fn} > 0, 100 * malformed_${fn} / received_${fn}, 0)`,
        usingMetrics: {
          [`malformed_${fn}`]: emf(fn, 'MalformedRecords'),
          [`received_${fn}`]: emf(fn, 'RecordsReceived'),
        },
        label: `${fn} malformed %`,
        period: this.period,
      });
    const throttles = table.metricThrottledRequestsForOperations({ operations: TABLE_OPERATIONS, period: this.period });
    const readThrottles = table.metric('ReadThrottleEvents', { statistic: 'Sum', period: this.period });
    const writeThrottles = table.metric('WriteThrottleEvents', { statistic: 'Sum', period: this.period });

    // ---- Alarms -----------------------------------------------------------------
    // A Kinesis consumer is behind once its oldest record waits longer than one
    // window plus a margin (a window is only closed after it ends).
    const kinesisAgeMs = (props.windowSeconds + MONITORING.iteratorAgeMarginSeconds) * 1000;
    for (const fn of ['aggregator', 'finalizer'] as const) {
      this.alarm(
        `${fn}IteratorAge`,
        iteratorAge(fn),
        kinesisAgeMs,
        `${fn} is more than ${kinesisAgeMs / 1000} s behind the telemetry stream.`,
        MONITORING.evaluationPeriods,
        props,
      );
    }
    // A mapping that cannot read (its role lost the stream's read permissions) invokes nothing: its
    // function's Errors and IteratorAge get no data. Records coming in while nothing is invoked is the sign.
    for (const fn of ['aggregator', 'finalizer'] as const) {
      this.alarm(
        `${fn}NotReading`,
        new MathExpression({
          expression: `IF(incoming_${fn} > 0 AND FILL(invocations_${fn}, 0) == 0, 1, 0)`,
          usingMetrics: {
            [`incoming_${fn}`]: stream.metricIncomingRecords({ statistic: 'Sum', period: this.period }),
            [`invocations_${fn}`]: functions[fn].fn.metricInvocations({ statistic: 'Sum', period: this.period }),
          },
          label: `${fn} not reading`,
          period: this.period,
        }),
        0,
        `Records reach the telemetry stream but ${fn} is not invoked: its event-source mapping cannot read (execution role) or is disabled.`,
        MONITORING.evaluationPeriods,
        props,
      );
    }
    this.alarm(
      'allTimeIteratorAge',
      iteratorAge('allTime'),
      MONITORING.allTimeIteratorAgeSeconds * 1000,
      `allTime is more than ${MONITORING.allTimeIteratorAgeSeconds} s behind the table stream.`,
      MONITORING.evaluationPeriods,
      props,
    );
    for (const fn of names) {
      this.alarm(
        `${fn}DeadLetters`,
        functions[fn].deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: this.period,
        }),
        0,
        `${fn}'s event source gave up on a batch: its metadata is in the dead-letter queue.`,
        1,
        props,
      );
    }
    this.alarm(
      'PublishFailures',
      emf('aggregator', 'PublishFailures'),
      0,
      'The aggregator could not publish live rankings to AppSync.',
      1,
      props,
    );
    this.alarm('TableThrottledRequests', throttles, 0, 'DynamoDB throttled requests to the table.', 1, props);
    this.alarm('TableReadThrottleEvents', readThrottles, 0, 'DynamoDB throttled reads of the table.', 1, props);
    this.alarm('TableWriteThrottleEvents', writeThrottles, 0, 'DynamoDB throttled writes to the table.', 1, props);
    // Kinesis refusing writes (producers and recordTelemetry retry, then lose records) or reads (consumers fall behind).
    this.alarm(
      'StreamWriteThrottles',
      stream.metricPutRecordsThrottledRecords({ statistic: 'Sum', period: this.period }),
      0,
      'Kinesis throttled writes to the telemetry stream: raise ShardCount (docs/scaling.md).',
      MONITORING.evaluationPeriods,
      props,
    );
    this.alarm(
      'StreamReadThrottles',
      stream.metricReadProvisionedThroughputExceeded({ statistic: 'Sum', period: this.period }),
      0,
      'Kinesis throttled reads of the telemetry stream: consumers fall behind.',
      MONITORING.evaluationPeriods,
      props,
    );
    for (const fn of names) {
      this.alarm(
        `${fn}Errors`,
        functions[fn].fn.metricErrors({ statistic: 'Sum', period: this.period }),
        0,
        `${fn} fails invocations (its batches are retried, then bisected, then sent to its dead-letter queue).`,
        MONITORING.evaluationPeriods,
        props,
      );
      this.alarm(
        `${fn}Throttles`,
        functions[fn].fn.metricThrottles({ statistic: 'Sum', period: this.period }),
        0,
        `${fn} is throttled (reserved concurrency or the account's limit).`,
        MONITORING.evaluationPeriods,
        props,
      );
    }
    this.alarm(
      'RaceCloseFailures',
      emf('finalizer', 'RaceCloseFailures'),
      0,
      'The finalizer could not close a race (it tries again on its next invocation).',
      MONITORING.evaluationPeriods,
      props,
    );
    this.alarm(
      'CloseTickFailures',
      props.closeTickFailures.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: this.period }),
      0,
      "The finalizer's scheduled close failed after its retries (or EventBridge could not invoke it).",
      1,
      props,
    );
    this.alarm(
      'CloseScheduleFailedInvocations',
      new Metric({
        namespace: 'AWS/Events',
        metricName: 'FailedInvocations',
        dimensionsMap: { RuleName: props.closeSchedule.ruleName },
        statistic: 'Sum',
        period: this.period,
      }),
      0,
      'EventBridge failed to invoke the finalizer for the scheduled close.',
      1,
      props,
    );
    this.alarm(
      'Api4xxRate',
      appsync('4XXError', 'Average'),
      MONITORING.appSync4xxRate,
      `More than ${MONITORING.appSync4xxRate * 100}% of AppSync requests are refused with 4XX.`,
      MONITORING.evaluationPeriods,
      props,
    );
    // Average of 5XXError is the share of requests that failed with a server error.
    this.alarm(
      'Api5xxRate',
      appsync('5XXError', 'Average'),
      MONITORING.appSync5xxRate,
      `More than ${MONITORING.appSync5xxRate * 100}% of AppSync requests fail with 5XX.`,
      MONITORING.evaluationPeriods,
      props,
    );

    // ---- Dashboard ----------------------------------------------------------------
    const graph = (title: string, left: IMetric[], right: IMetric[] = []): GraphWidget =>
      new GraphWidget({ title, left, right, width: 8, height: 6 });
    const perFunction = (metric: (fn: FunctionName) => IMetric): IMetric[] => names.map(metric);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: Stack.of(this).stackName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Alleycat\nTelemetry → Kinesis → aggregator (live) / finalizer (results) → table → allTime. Iterator-age alarm at ${
          kinesisAgeMs / 1000
        } s.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Iterator age (ms, max)', perFunction(iteratorAge)),
      graph(
        'Records in (Kinesis) / received and refused (functions)',
        [stream.metricIncomingRecords({ statistic: 'Sum', period: this.period })],
        [
          emf('aggregator', 'RecordsReceived'),
          emf('finalizer', 'RecordsReceived'),
          // A full race's refusals: riders not admitted, their records, their finals.
          emf('aggregator', 'RidersRefused'),
          emf('aggregator', 'RecordsRefused'),
          emf('finalizer', 'FinalsNotAdmitted'),
        ],
      ),
      graph('Malformed records (%)', [malformedRate('aggregator'), malformedRate('finalizer')]),
    );
    this.dashboard.addWidgets(
      graph(
        'Aggregator windows',
        [
          emf('aggregator', 'WindowsClosed'),
          emf('aggregator', 'SnapshotWrites'),
          emf('aggregator', 'PublishesSkipped'),
          emf('aggregator', 'PublishesHeld'),
          emf('aggregator', 'ShardsGivenUp'),
          emf('aggregator', 'LivePublishes'),
          emf('aggregator', 'BandsPublished'),
          emf('aggregator', 'OversizedBands'),
          emf('aggregator', 'BoardWriteCalls'),
        ],
        [emf('aggregator', 'WindowCloseLatencyMs', 'p99')],
      ),
      graph(
        'Records out',
        [
          emf('aggregator', 'SnapshotWrites'),
          emf('finalizer', 'ResultsWritten'),
          emf('finalizer', 'FinalsStored'),
          emf('allTime', 'AllTimeApplied'),
          emf('allTime', 'AllTimeChangesApplied'),
          emf('allTime', 'RankingHeadsWritten'),
        ],
        [
          emf('finalizer', 'RacesClosed'),
          emf('finalizer', 'RaceClosesContinued'),
          emf('finalizer', 'NotFinishedResults'),
        ],
      ),
      graph('Retries and failures', [
        emf('aggregator', 'PublishFailures'),
        emf('aggregator', 'BoardStoreFailures'),
        emf('finalizer', 'RaceCloseFailures'),
        emf('finalizer', 'ShardPositionFailures'),
        emf('allTime', 'AllTimeReplaySkipped'),
        emf('allTime', 'AllTimeRecordsDeferred'),
      ]),
      // The fair-play rules (core/fairPlay.ts): refused records and finals, flagged riders and results.
      graph('Fair play', [
        emf('aggregator', 'FairPlayFlags'),
        emf('aggregator', 'LateJoinersRefused'),
        emf('aggregator', 'LateRecordsRefused'),
        emf('finalizer', 'FinalsRefused'),
        emf('finalizer', 'LateFinalsRefused'),
        emf('finalizer', 'ConflictingFinals'),
        emf('finalizer', 'FlaggedResults'),
        emf('allTime', 'FlaggedResultsSkipped'),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Lambda errors',
        perFunction((fn) => functions[fn].fn.metricErrors({ period: this.period })),
      ),
      graph(
        'Lambda throttles',
        perFunction((fn) => functions[fn].fn.metricThrottles({ period: this.period })),
      ),
      graph(
        'Lambda duration (p99, ms)',
        perFunction((fn) => functions[fn].fn.metricDuration({ statistic: 'p99', period: this.period })),
      ),
    );
    this.dashboard.addWidgets(
      graph('DynamoDB throttles', [throttles, readThrottles, writeThrottles]),
      graph('DynamoDB consumed capacity', [
        table.metricConsumedReadCapacityUnits({ period: this.period }),
        table.metricConsumedWriteCapacityUnits({ period: this.period }),
      ]),
      graph(
        'Dead-letter queue depth',
        perFunction((fn) =>
          functions[fn].deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            statistic: 'Maximum',
            period: this.period,
          }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      graph('AppSync errors', [appsync('4XXError', 'Sum'), appsync('5XXError', 'Sum')]),
      graph('AppSync latency (ms)', [appsync('Latency', 'p50'), appsync('Latency', 'p99')]),
      graph(
        'AppSync real-time',
        [appsync('ConnectSuccess', 'Sum'), appsync('ActiveConnections', 'Sum')],
        [appsync('PublishDataMessageSuccess', 'Sum')],
      ),
    );
  }

  private alarm(
    id: string,
    metric: IMetric,
    threshold: number,
    description: string,
    evaluationPeriods: number,
    props: MonitoringProps,
  ): void {
    const name = `${id[0]?.toUpperCase() ?? ''}${id.slice(1)}`;
    const alarm = new Alarm(this, `${name}Alarm`, {
      // Readable names: docs/operations.md has a runbook section per alarm name.
      alarmName: `${Stack.of(this).stackName}-${name}`,
      metric,
      threshold,
      evaluationPeriods,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      // No data means nothing happened (no traffic, no errors): not an alarm.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    // Recovery is news too: the on-call sees when an alarm clears.
    alarm.addAlarmAction(new SnsAction(props.alarmTopic));
    alarm.addOkAction(new SnsAction(props.alarmTopic));
    this.alarms.push(alarm);
  }
}
