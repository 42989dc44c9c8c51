/**
 * The AppSync API: schema.graphql (AppSync defines its scalars and directives
 * itself, so appsync.graphql never deploys), API key by default, the riders'
 * user pool for recordTelemetry and IAM for publishLiveRankings, and every resolver and pipeline function of
 * resolvers/manifest.ts as APPSYNC_JS 1.0.0 with the code of resolvers/build.ts.
 */
import { Aws, Expiration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AppsyncFunction,
  AuthorizationType,
  type CfnGraphQLApi,
  type BaseDataSource,
  Code,
  Definition,
  FieldLogLevel,
  FunctionRuntime,
  GraphqlApi,
  IntrospectionConfig,
  Resolver,
} from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  ENV_NAMES,
  RESOLVERS,
  resolverFile,
  type DataSourceName,
  type ResolverSpec,
} from '../../resolvers/manifest.js';
import { InfraConfigError } from '../errors.js';
import { SCHEMA_FILE } from '../paths.js';
import { bundleCode, type ResolverBundles } from '../resolverCode.js';
import { retentionDays } from '../retention.js';
import { API, MONITORING, RACE, TABLE } from '../settings.js';
import { stagedName } from '../stagedName.js';
import { ReadOnlyTableDataSource } from './ReadOnlyTableDataSource.js';

export interface ApiProps {
  readonly table: ITable;
  readonly stream: IStream;
  /** The riders' pool and the app client whose tokens the API accepts. */
  readonly riders: { readonly userPool: IUserPool; readonly client: IUserPoolClient };
  /** Bundled code of every manifest entry (infra/resolverCode.ts). */
  readonly bundles: ResolverBundles;
  /** The stage: the API's name carries it. */
  readonly stage: string;
  /** When the API key expires (AppSync allows at most 365 days ahead). */
  readonly apiKeyExpires: Date;
  /** The key's generation: each one is its own resource, so a new generation replaces the key (rotation). */
  readonly apiKeyGeneration: number;
  /** Log request and response content of failing fields (default false: errors without content). */
  readonly verboseLogs?: boolean;
}

/** The GraphQL API with its three data sources and every resolver of the manifest. */
export class AlleycatApi extends Construct {
  readonly api: GraphqlApi;
  readonly dataSources: Readonly<Record<DataSourceName, BaseDataSource>>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    // ctx.env of every resolver; the record type makes a missing ENV_NAMES entry a compile error.
    const environment: Record<(typeof ENV_NAMES)[number], string> = {
      TABLE_NAME: props.table.tableName,
      STREAM_NAME: props.stream.streamName,
      RACE_SECONDS: String(RACE.raceSeconds),
      GRACE_SECONDS: String(RACE.graceSeconds),
    };
    // AppSync writes to /aws/appsync/apis/<apiId>; the stack owns that group (retention)
    // and the role may write to it only (instead of AWSAppSyncPushToCloudWatchLogs: any group).
    const logsRole = new Role(this, 'LogsRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync request logging of the Alleycat API.',
    });
    this.api = new GraphqlApi(this, 'Api', {
      name: stagedName(API.name, props.stage),
      definition: Definition.fromFile(SCHEMA_FILE),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: AuthorizationType.API_KEY,
          apiKeyConfig: {
            description: 'Public reads and subscriptions.',
            // The key's construct id (and so its logical id): generation 1 keeps the id stacks were first
            // deployed with, a later one is a new resource that CloudFormation creates before deleting the old.
            ...(props.apiKeyGeneration === 1 ? {} : { name: `Generation${props.apiKeyGeneration}` }),
            // Fixed at synth: every deploy renews the key (docs/operations.md, API key).
            expires: Expiration.atDate(props.apiKeyExpires),
          },
        },
        additionalAuthorizationModes: [
          // recordTelemetry is @aws_cognito_user_pools: riders' own tokens, of the riders' app only.
          {
            authorizationType: AuthorizationType.USER_POOL,
            userPoolConfig: {
              userPool: props.riders.userPool,
              appIdClientRegex: props.riders.client.userPoolClientId,
            },
          },
          // publishLiveRankings is @aws_iam: only the aggregator's role may call it.
          { authorizationType: AuthorizationType.IAM },
        ],
      },
      xrayEnabled: true,
      environmentVariables: environment,
      queryDepthLimit: API.queryDepthLimit,
      resolverCountLimit: API.resolverCountLimit,
      introspectionConfig: IntrospectionConfig[API.introspectionConfig],
    });

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: retentionDays(MONITORING.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Set on the L1: the L2's logConfig always adds a LogRetention custom resource
    // (a Lambda with logs:PutRetentionPolicy on "*") that would race this LogGroup.
    // Errors only. Their request and response content (headers, arguments, a rider's token claims)
    // stays out of the logs unless a stage is deployed with `-c verboseApiLogs=true` to debug.
    const cfnApi = this.api.node.defaultChild as CfnGraphQLApi;
    cfnApi.logConfig = {
      fieldLogLevel: FieldLogLevel.ERROR,
      excludeVerboseContent: !(props.verboseLogs ?? false),
      cloudWatchLogsRoleArn: logsRole.roleArn,
    };
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-ASC3',
      reason:
        'Field logs at ERROR are on; their request and response content (arguments, headers, token claims of riders) is excluded by default and included per stage with -c verboseApiLogs=true while debugging (docs/operations.md, Decisions).',
    });
    logsRole.addToPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    // Every table resolver only reads (GetItem / Query): the role gets exactly that.
    const table = new ReadOnlyTableDataSource(this, 'TableDataSource', {
      api: this.api,
      table: props.table,
      indexNames: TABLE.globalSecondaryIndexes.map((gsi) => gsi.indexName),
      name: 'table',
      description: 'The single table; every table resolver reads (GetItem / Query).',
    });
    const none = this.api.addNoneDataSource('none', {
      description: 'Local resolvers: static data, the race clock, publish and subscribe.',
    });
    // recordTelemetry calls Kinesis PutRecords directly: an HTTP data source
    // signed with SigV4 for service `kinesis` in the stack's region.
    const kinesis = this.api.addHttpDataSource('kinesis', `https://kinesis.${Aws.REGION}.amazonaws.com/`, {
      description: 'Kinesis Data Streams API (PutRecords), SigV4-signed.',
      authorizationConfig: { signingRegion: Aws.REGION, signingServiceName: 'kinesis' },
    });
    props.stream.grant(kinesis, 'kinesis:PutRecords');
    this.dataSources = { table, none, kinesis };

    const functions = new Map<string, AppsyncFunction>();
    for (const spec of RESOLVERS) this.addResolver(spec, props.bundles, functions);
  }

  private addResolver(spec: ResolverSpec, bundles: ResolverBundles, functions: Map<string, AppsyncFunction>): void {
    const name = resolverFile(spec);
    const code = Code.fromInline(bundleCode(bundles, name));
    const id = `${spec.typeName}${spec.fieldName[0]?.toUpperCase() ?? ''}${spec.fieldName.slice(1)}`;
    if (spec.functions && spec.functions.length > 0) {
      const pipelineConfig = spec.functions.map((fn) => {
        const existing = functions.get(fn.name);
        if (existing) return existing;
        const created = new AppsyncFunction(this, `Function${fn.name[0]?.toUpperCase() ?? ''}${fn.name.slice(1)}`, {
          api: this.api,
          name: fn.name,
          dataSource: this.dataSources[fn.dataSource],
          runtime: FunctionRuntime.JS_1_0_0,
          code: Code.fromInline(bundleCode(bundles, `functions/${fn.name}`)),
        });
        functions.set(fn.name, created);
        return created;
      });
      new Resolver(this, id, {
        api: this.api,
        typeName: spec.typeName,
        fieldName: spec.fieldName,
        runtime: FunctionRuntime.JS_1_0_0,
        code,
        pipelineConfig,
      });
      return;
    }
    if (!spec.dataSource) {
      throw new InfraConfigError(`Resolver ${name} of resolvers/manifest.ts has neither a data source nor functions.`);
    }
    new Resolver(this, id, {
      api: this.api,
      typeName: spec.typeName,
      fieldName: spec.fieldName,
      dataSource: this.dataSources[spec.dataSource],
      runtime: FunctionRuntime.JS_1_0_0,
      code,
    });
  }
}
