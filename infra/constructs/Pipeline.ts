/**
 * The streaming pipeline: aggregator and finalizer read the telemetry stream,
 * all-time reads the table's stream. Event-source settings come from
 * infra/settings.ts MAPPINGS (the local event-source runtime applies the same).
 * An EventBridge rule invokes the finalizer every CLOSE_SCHEDULE.rateMinutes
 * with a Scheduled Event, so that races close on a quiet stream too (the
 * local stack runs the same schedule).
 */
import { GSI1, GSI2 } from '../../core/keys.js';
import { Duration, Validations } from 'aws-cdk-lib';
import type { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import {
  DynamoEventSource,
  KinesisEventSource,
  SqsDlq,
  type StreamEventSourceProps,
} from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import {
  ADMISSION,
  CLOSE_SCHEDULE,
  MAPPINGS,
  MONITORING,
  RACE,
  SERVICE_NAMES,
  type MappingSettings,
} from '../settings.js';
import { StreamFunction, type FunctionName } from './StreamFunction.js';

export interface PipelineProps {
  readonly table: ITable;
  readonly stream: IStream;
  readonly api: GraphqlApi;
  /** The aggregator's tumbling window (context `windowSeconds`). */
  readonly windowSeconds: number;
}

/**
 * Table actions per function: exactly the calls its code makes (docs/data-model.md,
 * "Access patterns"), no more. The local stack enforces these same statements,
 * so a call missing here fails every local end-to-end test.
 * aggregator: admission (GetItem, UpdateItem), its shard's LIVE# pages (Query,
 * PutItem), the shards' watermarks and the window claim under LIVEWM (Query,
 * GetItem, UpdateItem), the LIVEPUB publish claim (UpdateItem), the published
 * board's BOARD items (GetItem of the head, BatchWriteItem of bands and index,
 * PutItem of the head, or of the window's heads in one TransactWriteItems).
 * finalizer: OPEN# markers (UpdateItem, Query, DeleteItem), pending finals
 * (PutItem, GetItem, UpdateItem, Query), admission reads (BatchGetItem,
 * GetItem), results (TransactWriteItems of Puts: PutItem), race summary (PutItem).
 * allTime: conditional updates of RACER#/CLASS# items, and reads of them; the
 * ranking heads (GetItem, UpdateItem); the rank trees (TransactWriteItems of
 * Updates: UpdateItem; the class's RANKTREE item: GetItem, UpdateItem).
 */
export const TABLE_ACTIONS: Readonly<Record<FunctionName, readonly string[]>> = {
  aggregator: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:Query',
    'dynamodb:UpdateItem',
  ],
  finalizer: [
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
  allTime: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
};

/**
 * Index actions per function, on the table's two indexes: the all-time consumer
 * builds a class's ranking head from the top of each write shard of GSI1/GSI2
 * (functions/allTime/rankingHeadStore.ts).
 */
export const INDEX_ACTIONS: Readonly<Record<FunctionName, readonly string[]>> = {
  aggregator: [],
  finalizer: [],
  allTime: ['dynamodb:Query'],
};

/** Lambda event-source properties from one MAPPINGS entry. */
function mappingProps(m: MappingSettings, dlq: SqsDlq): StreamEventSourceProps {
  return {
    startingPosition: StartingPosition[m.startingPosition],
    batchSize: m.batchSize,
    maxBatchingWindow: Duration.seconds(m.maximumBatchingWindowInSeconds),
    parallelizationFactor: m.parallelizationFactor,
    bisectBatchOnError: m.bisectBatchOnFunctionError,
    retryAttempts: m.maximumRetryAttempts,
    maxRecordAge: Duration.seconds(m.maximumRecordAgeInSeconds),
    reportBatchItemFailures: m.reportBatchItemFailures,
    onFailure: dlq,
  };
}

/** The three stream consumers with their mappings, dead-letter queues and permissions. */
export class Pipeline extends Construct {
  readonly functions: Readonly<Record<FunctionName, StreamFunction>>;
  /** The rule that invokes the finalizer's scheduled close. */
  readonly closeSchedule: Rule;
  /** Scheduled closes that failed after their retries (and ticks EventBridge could not deliver). */
  readonly closeTickFailures: Queue;

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const common = (name: FunctionName): Record<string, string> => ({
      TABLE_NAME: props.table.tableName,
      RACE_SECONDS: String(RACE.raceSeconds),
      GRACE_SECONDS: String(RACE.graceSeconds),
      MAX_RIDERS: String(ADMISSION.maxRidersPerRace),
      WINDOW_SECONDS: String(props.windowSeconds),
      POWERTOOLS_SERVICE_NAME: SERVICE_NAMES[name],
      POWERTOOLS_METRICS_NAMESPACE: MONITORING.metricsNamespace,
    });

    const aggregator = new StreamFunction(this, 'Aggregator', {
      name: 'aggregator',
      description: 'Tumbling-window aggregation of telemetry into live rankings; publishes them over AppSync.',
      environment: { ...common('aggregator'), GRAPHQL_URL: props.api.graphqlUrl },
    });
    const finalizer = new StreamFunction(this, 'Finalizer', {
      name: 'finalizer',
      description: 'Writes final results and race summaries from telemetry.',
      environment: common('finalizer'),
    });
    const allTime = new StreamFunction(this, 'AllTime', {
      name: 'allTime',
      description: 'Folds inserted results into all-time rankings (table stream).',
      environment: common('allTime'),
    });
    this.functions = { aggregator, finalizer, allTime };

    for (const [name, f] of Object.entries(this.functions) as Array<[FunctionName, StreamFunction]>) {
      f.role.addToPolicy(new PolicyStatement({ actions: [...TABLE_ACTIONS[name]], resources: [props.table.tableArn] }));
      if (INDEX_ACTIONS[name].length > 0) {
        f.role.addToPolicy(
          new PolicyStatement({
            actions: [...INDEX_ACTIONS[name]],
            resources: [GSI1, GSI2].map((index) => `${props.table.tableArn}/index/${index}`),
          }),
        );
      }
    }
    // IAM auth of the two publish mutations the aggregator calls, nothing else of the API.
    props.api.grantMutation(aggregator.fn, 'publishLiveRankings', 'publishLiveBand');

    aggregator.fn.addEventSource(
      new KinesisEventSource(props.stream, {
        ...mappingProps(MAPPINGS.aggregator, new SqsDlq(aggregator.deadLetterQueue)),
        tumblingWindow: Duration.seconds(props.windowSeconds),
      }),
    );
    finalizer.fn.addEventSource(
      new KinesisEventSource(props.stream, mappingProps(MAPPINGS.finalizer, new SqsDlq(finalizer.deadLetterQueue))),
    );
    this.closeTickFailures = new Queue(this, 'CloseTickFailures', {
      retentionPeriod: Duration.days(MONITORING.dlqRetentionDays),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const failureQueue =
      "This queue is itself the failure destination of the finalizer's scheduled close (an alarm watches its depth); nothing consumes it, so neither a dead-letter queue nor a redrive policy has anything to catch.";
    Validations.of(this.closeTickFailures).acknowledge(
      { id: 'AwsSolutions-SQS3', reason: failureQueue },
      { id: 'Serverless-SQSRedrivePolicy', reason: failureQueue },
    );
    const tickAge = Duration.minutes(CLOSE_SCHEDULE.maxEventAgeMinutes);
    // The rule's own event is the input (no Input override): the finalizer
    // recognises EventBridge's Scheduled Event. The target adds the only
    // permission needed: lambda:InvokeFunction for events.amazonaws.com,
    // conditioned on this rule's ARN.
    this.closeSchedule = new Rule(this, 'CloseSchedule', {
      description: 'Invokes the finalizer to close ended races when the telemetry stream is quiet.',
      schedule: Schedule.rate(Duration.minutes(CLOSE_SCHEDULE.rateMinutes)),
      targets: [
        new LambdaFunction(finalizer.fn, {
          retryAttempts: CLOSE_SCHEDULE.retryAttempts,
          maxEventAge: tickAge,
          deadLetterQueue: this.closeTickFailures,
        }),
      ],
    });
    // A failed tick is retried (Lambda waits about 1 and 2 minutes); what still fails is kept for the alarm.
    finalizer.fn.configureAsyncInvoke({
      retryAttempts: CLOSE_SCHEDULE.retryAttempts,
      maxEventAge: tickAge,
      onFailure: new SqsDestination(this.closeTickFailures),
    });
    allTime.fn.addEventSource(
      new DynamoEventSource(props.table, {
        ...mappingProps(MAPPINGS.allTime, new SqsDlq(allTime.deadLetterQueue)),
        // Only inserted results reach the function (and are billed).
        filters: MAPPINGS.allTime.filters.map((f) => ({ pattern: f.pattern })),
      }),
    );
    // Acknowledgements are per id: this one replaces the X-Ray reason of StreamFunction for allTime's role.
    Validations.of(allTime.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams (added by the DynamoDB event source), xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) have no resource-level permissions: IAM accepts only "*" for them. Every other stream action is scoped to the table\'s stream ARN.',
    });
  }
}
