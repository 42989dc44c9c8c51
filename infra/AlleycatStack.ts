/**
 * The Alleycat stack: table, telemetry stream, riders' user pool, API, pipeline, monitoring.
 * Environment-agnostic (no account/region lookups), so it synthesizes without
 * AWS credentials; the region is resolved by CloudFormation at deploy time.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { CfnGraphQLApi } from 'aws-cdk-lib/aws-appsync';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { AlleycatApi } from './constructs/Api.js';
import { Monitoring } from './constructs/Monitoring.js';
import { Pipeline } from './constructs/Pipeline.js';
import { Riders } from './constructs/Riders.js';
import { AlleycatTable } from './constructs/Table.js';
import { Telemetry } from './constructs/Telemetry.js';
import { readContext } from './context.js';
import type { ResolverBundles } from './resolverCode.js';

export interface AlleycatStackProps extends StackProps {
  /** Bundled APPSYNC_JS code of every manifest entry (loadResolverBundles()). */
  readonly bundles: ResolverBundles;
}

export class AlleycatStack extends Stack {
  readonly table: AlleycatTable;
  readonly telemetry: Telemetry;
  readonly riders: Riders;
  readonly api: AlleycatApi;
  readonly pipeline: Pipeline;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: AlleycatStackProps) {
    super(scope, id, { description: 'Alleycat: live leaderboards of virtual bike races.', ...props });
    const context = readContext(this.node);

    this.table = new AlleycatTable(this, 'Data');
    this.telemetry = new Telemetry(this, 'Telemetry', { defaultShardCount: context.shardCount });
    this.riders = new Riders(this, 'Riders');
    this.api = new AlleycatApi(this, 'Graphql', {
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
    this.monitoring = new Monitoring(this, 'Monitoring', {
      table: this.table.table,
      stream: this.telemetry.stream,
      api: this.api.api,
      functions: this.pipeline.functions,
      windowSeconds: context.windowSeconds,
      ...(context.alarmTopicArn ? { alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', context.alarmTopicArn) } : {}),
    });

    const cfnApi = this.api.api.node.defaultChild as CfnGraphQLApi;
    new CfnOutput(this, 'GraphqlUrl', {
      value: this.api.api.graphqlUrl,
      description: 'AppSync GraphQL endpoint (HTTP).',
    });
    new CfnOutput(this, 'RealtimeUrl', {
      value: cfnApi.attrRealtimeUrl,
      description: 'AppSync real-time endpoint (WebSocket).',
    });
    new CfnOutput(this, 'ApiKey', {
      value: this.api.api.apiKey ?? '',
      description: "API key for public reads and subscriptions (the contract's endpoints file carries it too).",
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
}
