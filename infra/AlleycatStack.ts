/**
 * The Alleycat stack: table, telemetry stream, riders' user pool, API, pipeline, monitoring.
 * Environment-agnostic (no account/region lookups), so it synthesizes without
 * AWS credentials; the region is resolved by CloudFormation at deploy time.
 */
import { Annotations, CfnOutput, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { CfnGraphQLApi } from 'aws-cdk-lib/aws-appsync';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { ApiKeyReminder } from './constructs/ApiKeyReminder.js';
import { ApiFirewall } from './constructs/ApiFirewall.js';
import type { Construct } from 'constructs';
import { AlleycatApi } from './constructs/Api.js';
import { Monitoring } from './constructs/Monitoring.js';
import { Pipeline } from './constructs/Pipeline.js';
import { Riders } from './constructs/Riders.js';
import { AlleycatTable } from './constructs/Table.js';
import { Telemetry } from './constructs/Telemetry.js';
import { readContext } from './context.js';
import { API } from './settings.js';
import type { ResolverBundles } from './resolverCode.js';

export interface AlleycatStackProps extends StackProps {
  /** Bundled APPSYNC_JS code of every manifest entry (loadResolverBundles()). */
  readonly bundles: ResolverBundles;
  /** The stage (context `stage`): part of the API's and the user pool's names. */
  readonly stage: string;
}

export class AlleycatStack extends Stack {
  readonly table: AlleycatTable;
  readonly telemetry: Telemetry;
  readonly riders: Riders;
  readonly api: AlleycatApi;
  readonly pipeline: Pipeline;
  readonly monitoring: Monitoring;
  /** Where every alarm goes: the stack's own topic, or the one named by `alarmTopicArn`. */
  readonly alarmTopic: ITopic;

  constructor(scope: Construct, id: string, props: AlleycatStackProps) {
    super(scope, id, { description: 'Alleycat: live leaderboards of virtual bike races.', ...props });
    const context = readContext(this.node);

    this.table = new AlleycatTable(this, 'Data');
    this.telemetry = new Telemetry(this, 'Telemetry', { defaultShardCount: context.shardCount });
    this.riders = new Riders(this, 'Riders', { stage: props.stage });
    // Whole seconds: AppSync's `expires` is epoch seconds, and the reminder names the same instant.
    const apiKeyExpires = new Date(Math.floor((Date.now() + API.apiKeyDays * 86_400_000) / 1000) * 1000);
    this.api = new AlleycatApi(this, 'Graphql', {
      stage: props.stage,
      apiKeyExpires,
      apiKeyGeneration: context.apiKeyGeneration,
      verboseLogs: context.verboseApiLogs,
      table: this.table.table,
      stream: this.telemetry.stream,
      riders: { userPool: this.riders.userPool, client: this.riders.client },
      bundles: props.bundles,
    });
    this.pipeline = new Pipeline(this, 'Pipeline', {
      table: this.table.table,
      stream: this.telemetry.stream,
      api: this.api.api,
      windowSeconds: context.windowSeconds,
    });
    this.alarmTopic = context.alarmTopicArn
      ? Topic.fromTopicArn(this, 'AlarmTopic', context.alarmTopicArn)
      : this.ownAlarmTopic(context.alarmEmail);
    this.monitoring = new Monitoring(this, 'Monitoring', {
      table: this.table.table,
      stream: this.telemetry.stream,
      api: this.api.api,
      functions: this.pipeline.functions,
      windowSeconds: context.windowSeconds,
      closeTickFailures: this.pipeline.closeTickFailures,
      closeSchedule: this.pipeline.closeSchedule,
      alarmTopic: this.alarmTopic,
    });
    new ApiKeyReminder(this, 'ApiKeyReminder', { api: this.api.api, topic: this.alarmTopic, expires: apiKeyExpires });
    if (context.apiRateLimit > 0) {
      new ApiFirewall(this, 'Firewall', {
        api: this.api.api,
        rateLimit: context.apiRateLimit,
        evaluationWindowSeconds: context.apiRateWindowSeconds,
      });
    }

    const cfnApi = this.api.api.node.defaultChild as CfnGraphQLApi;
    new CfnOutput(this, 'GraphqlUrl', {
      value: this.api.api.graphqlUrl,
      description: 'AppSync GraphQL endpoint (HTTP).',
    });
    new CfnOutput(this, 'RealtimeUrl', {
      value: cfnApi.attrRealtimeUrl,
      description: 'AppSync real-time endpoint (WebSocket).',
    });
    // The API key itself is no output (DescribeStacks and CI logs would show it): whoever needs
    // it reads it with `aws appsync list-api-keys --api-id <GraphqlApiId>` (docs/operations.md).
    new CfnOutput(this, 'GraphqlApiId', {
      value: this.api.api.apiId,
      description: 'AppSync API id (list-api-keys, update-api-key, logs).',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'SNS topic every alarm notifies: subscribe the on-call rota.',
    });
    new CfnOutput(this, 'UserPoolId', {
      value: this.riders.userPool.userPoolId,
      description: "The riders' Cognito user pool (sign-up, sign-in; recordTelemetry takes its tokens).",
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.riders.client.userPoolClientId,
      description: "The riders' app client (public: USER_PASSWORD_AUTH and SRP, no secret).",
    });
    new CfnOutput(this, 'StreamName', {
      value: this.telemetry.stream.streamName,
      description: 'Kinesis telemetry stream.',
    });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'The single DynamoDB table.' });
    new CfnOutput(this, 'DashboardName', {
      value: this.monitoring.dashboard.dashboardName,
      description: 'CloudWatch dashboard.',
    });
  }

  /** The stack's own alarm topic, TLS-only, mailing `email` if given. */
  private ownAlarmTopic(email: string | undefined): Topic {
    const topic = new Topic(this, 'Alarms', {
      displayName: `Alleycat ${this.stackName} alarms`,
      enforceSSL: true,
    });
    if (email) topic.addSubscription(new EmailSubscription(email));
    // A topic nobody subscribes to pages nobody. A deploy shows this warning, and `cdk deploy --strict` refuses it.
    else {
      Annotations.of(topic).addWarningV2(
        'alleycat:Alarms.noSubscriber',
        'The alarm topic has no subscriber: no alarm reaches anyone until the on-call rota subscribes to it. Deploy with -c alarmEmail=<address> or -c alarmTopicArn=<topic>, or subscribe to the AlarmTopicArn output.',
      );
    }
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms can only publish to an encrypted topic whose customer managed key grants cloudwatch.amazonaws.com; alarm messages carry alarm names and metric values, nothing secret, so the topic stays unencrypted rather than adding a key to every stage.',
    });
    return topic;
  }
}
