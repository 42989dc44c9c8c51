import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { createApp } from '../../infra/createApp.js';
import { MissingResolverCodeError } from '../../infra/errors.js';
import { bundleCode, missingResolverSources } from '../../infra/resolverCode.js';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { API, API_PROTECTION, DEPLOYMENT, RACE, TABLE } from '../../infra/settings.js';
import { DATA_SOURCES, ENV_NAMES, RESOLVERS, resolverFile } from '../../resolvers/manifest.js';
import { logicalId, onlyResource, resourcesOfType, synthAlleycat, type Synthesized } from './synthAlleycat.js';

let s: Synthesized;
let synthStartedAt = 0;
let synthEndedAt = 0;
beforeAll(async () => {
  synthStartedAt = Date.now();
  s = await synthAlleycat();
  synthEndedAt = Date.now();
});

const APPSYNC_JS = { Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' };

/** Statements of the inline policies attached to the role with this logical id. */
function roleStatements(roleId: string): Array<Record<string, unknown>> {
  const policies = resourcesOfType(s.template, 'AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement);
}

function dataSource(name: string): [string, Record<string, unknown>] {
  const [id, ds] = onlyResource(s.template, 'AWS::AppSync::DataSource', { Name: name });
  return [id, ds.Properties ?? {}];
}

function roleIdOf(arn: unknown): string {
  const getAtt = (arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  return getAtt[0];
}

describe('the GraphQL API', () => {
  it('deploys schema.graphql, not the local-only appsync.graphql declarations', () => {
    const [, schema] = onlyResource(s.template, 'AWS::AppSync::GraphQLSchema');
    const definition = String(schema.Properties?.Definition);
    expect(definition).toContain('publishLiveRankings(');
    expect(definition).not.toContain('scalar AWSDateTime');
    expect(definition).not.toContain('directive @aws_iam');
  });

  it('limits query depth and resolvers per request, with introspection on for the explorer', () => {
    s.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      QueryDepthLimit: API.queryDepthLimit,
      ResolverCountLimit: API.resolverCountLimit,
      IntrospectionConfig: 'ENABLED',
    });
    // AppSync's accepted ranges.
    expect(API.queryDepthLimit).toBeGreaterThanOrEqual(1);
    expect(API.queryDepthLimit).toBeLessThanOrEqual(75);
    expect(API.resolverCountLimit).toBeGreaterThanOrEqual(1);
    expect(API.resolverCountLimit).toBeLessThanOrEqual(10_000);
  });

  it("authorizes with the API key by default, the riders' pool (their app client only) and IAM as additional modes", () => {
    s.template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      Name: `${API.name}-${DEPLOYMENT.defaultStage}`,
      AuthenticationType: 'API_KEY',
      AdditionalAuthenticationProviders: [
        {
          AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
          UserPoolConfig: {
            UserPoolId: { Ref: logicalId(s.stack, s.stack.riders.userPool) },
            AppIdClientRegex: { Ref: logicalId(s.stack, s.stack.riders.client) },
            AwsRegion: { Ref: 'AWS::Region' },
          },
        },
        { AuthenticationType: 'AWS_IAM' },
      ],
    });
    const [, key] = onlyResource(s.template, 'AWS::AppSync::ApiKey');
    const expires = Number(key.Properties?.Expires);
    // CDK takes "now + apiKeyDays" during synthesis and rounds it to whole seconds.
    const lifetime = API.apiKeyDays * 86_400_000;
    expect(expires * 1000).toBeGreaterThanOrEqual(Math.floor((synthStartedAt + lifetime) / 1000) * 1000);
    expect(expires * 1000).toBeLessThanOrEqual(Math.ceil((synthEndedAt + lifetime) / 1000) * 1000);
  });

  it('traces with X-Ray and logs errors, without request content unless asked, to a log group the stack owns', async () => {
    const [, api] = onlyResource(s.template, 'AWS::AppSync::GraphQLApi');
    expect(api.Properties).toMatchObject({
      XrayEnabled: true,
      LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: true },
    });
    const verbose = await synthAlleycat({ verboseApiLogs: 'true' });
    expect(onlyResource(verbose.template, 'AWS::AppSync::GraphQLApi')[1].Properties).toMatchObject({
      LogConfig: { FieldLogLevel: 'ERROR', ExcludeVerboseContent: false },
    });
    const logsRole = roleIdOf((api.Properties?.LogConfig as { CloudWatchLogsRoleArn: unknown }).CloudWatchLogsRoleArn);
    const [groupId] = onlyResource(s.template, 'AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [Match.anyValue(), 'ApiId'] }]] },
    });
    expect(roleStatements(logsRole)).toEqual([
      {
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [groupId, 'Arn'] },
      },
    ]);
    expect(resourcesOfType(s.template, 'Custom::LogRetention')).toEqual({});
  });

  it('gives resolvers exactly the environment variables of the manifest', () => {
    const [, api] = onlyResource(s.template, 'AWS::AppSync::GraphQLApi');
    const env = api.Properties?.EnvironmentVariables as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual([...ENV_NAMES].sort());
    const [tableId] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    const [streamId] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    expect(env).toEqual({
      TABLE_NAME: { Ref: tableId },
      STREAM_NAME: { Ref: streamId },
      RACE_SECONDS: String(RACE.raceSeconds),
      GRACE_SECONDS: String(RACE.graceSeconds),
    });
  });

  it('outputs the GraphQL URL, the real-time URL and the API id, never the API key', () => {
    const [apiId] = onlyResource(s.template, 'AWS::AppSync::GraphQLApi');
    const [keyId] = onlyResource(s.template, 'AWS::AppSync::ApiKey');
    s.template.hasOutput('GraphqlUrl', { Value: { 'Fn::GetAtt': [apiId, 'GraphQLUrl'] } });
    s.template.hasOutput('RealtimeUrl', { Value: { 'Fn::GetAtt': [apiId, 'RealtimeUrl'] } });
    s.template.hasOutput('GraphqlApiId', { Value: { 'Fn::GetAtt': [apiId, 'ApiId'] } });
    // DescribeStacks (and every CI log of a deploy) would show the key's value.
    expect(JSON.stringify(s.template.toJSON().Outputs)).not.toContain(keyId);
  });

  it('rotates the API key by generation: a new generation is a new key resource, the old one goes', async () => {
    const [firstId, first] = onlyResource(s.template, 'AWS::AppSync::ApiKey');
    const [apiId] = onlyResource(s.template, 'AWS::AppSync::GraphQLApi');
    expect(
      await synthAlleycat({ apiKeyGeneration: '1' }).then((g) => onlyResource(g.template, 'AWS::AppSync::ApiKey')[0]),
    ).toBe(firstId);
    const rotated = await synthAlleycat({ apiKeyGeneration: '2' });
    const [secondId, second] = onlyResource(rotated.template, 'AWS::AppSync::ApiKey');
    // CloudFormation creates a resource of a new logical id and deletes the one no longer in the template.
    expect(secondId).not.toBe(firstId);
    expect(second.Properties).toMatchObject({
      ApiId: { 'Fn::GetAtt': [apiId, 'ApiId'] },
      Description: first.Properties?.Description,
    });
    expect(typeof second.Properties?.Expires).toBe('number');
    expect(JSON.stringify(rotated.template.toJSON().Outputs)).not.toContain(secondId);
    await expect(synthAlleycat({ apiKeyGeneration: '0' })).rejects.toThrow(/apiKeyGeneration=0 must be an integer/);
    await expect(synthAlleycat({ apiKeyGeneration: 'next' })).rejects.toThrow(/apiKeyGeneration=next/);
  });

  it('schedules a reminder to the alarm topic a month before the API key expires', () => {
    const [, key] = onlyResource(s.template, 'AWS::AppSync::ApiKey');
    const expires = Number(key.Properties?.Expires) * 1000;
    const [, schedule] = onlyResource(s.template, 'AWS::Scheduler::Schedule');
    const remindAt = new Date(expires - API.apiKeyReminderDays * 86_400_000).toISOString().slice(0, 19);
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: `at(${remindAt})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: { Ref: logicalId(s.stack, s.stack.alarmTopic as Topic) } },
    });
    // The message names the API by its id (a CloudFormation reference), and the expiry date.
    expect(JSON.stringify((schedule.Properties?.Target as { Input: unknown }).Input)).toContain(
      new Date(expires).toISOString(),
    );
  });

  it('is behind a WAF rate-based rule per IP, configurable and removable', async () => {
    const [aclId, acl] = onlyResource(s.template, 'AWS::WAFv2::WebACL');
    expect(acl.Properties).toMatchObject({
      Scope: 'REGIONAL',
      DefaultAction: { Allow: {} },
      Rules: [
        {
          Name: 'RatePerIp',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: {
              Limit: API_PROTECTION.rateLimit,
              AggregateKeyType: 'IP',
              EvaluationWindowSec: API_PROTECTION.evaluationWindowSeconds,
            },
          },
        },
      ],
    });
    const [apiId] = onlyResource(s.template, 'AWS::AppSync::GraphQLApi');
    s.template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::GetAtt': [apiId, 'Arn'] },
      WebACLArn: { 'Fn::GetAtt': [aclId, 'Arn'] },
    });
    const stricter = await synthAlleycat({ apiRateLimit: '500', apiRateWindowSeconds: '60' });
    expect(onlyResource(stricter.template, 'AWS::WAFv2::WebACL')[1].Properties?.Rules).toMatchObject([
      { Statement: { RateBasedStatement: { Limit: 500, EvaluationWindowSec: 60 } } },
    ]);
    // WAF refuses limits under 10 and windows other than 1, 2, 5 or 10 minutes: synth says so first.
    await expect(synthAlleycat({ apiRateLimit: '5' })).rejects.toThrow(/apiRateLimit=5 must be 0 \(no WAF\) or 10/);
    await expect(synthAlleycat({ apiRateWindowSeconds: '90' })).rejects.toThrow(
      /apiRateWindowSeconds=90 must be one of/,
    );
    const off = await synthAlleycat({ apiRateLimit: '0' });
    expect(Object.keys(off.template.findResources('AWS::WAFv2::WebACL'))).toEqual([]);
  });
});

describe('data sources', () => {
  it('are the three of the manifest, of the manifest kinds', () => {
    const all = Object.values(resourcesOfType(s.template, 'AWS::AppSync::DataSource')).map((d) => [
      d.Properties?.Name,
      d.Properties?.Type,
    ]);
    expect(all.sort()).toEqual(
      Object.entries(DATA_SOURCES)
        .map(([name, { kind }]) => [name, kind])
        .sort(),
    );
  });

  it('kinesis: HTTP to the regional Kinesis endpoint, SigV4-signed for service kinesis', () => {
    const [, ds] = dataSource('kinesis');
    expect(ds.HttpConfig).toEqual({
      Endpoint: { 'Fn::Join': ['', ['https://kinesis.', { Ref: 'AWS::Region' }, '.amazonaws.com/']] },
      AuthorizationConfig: {
        AuthorizationType: 'AWS_IAM',
        AwsIamConfig: { SigningRegion: { Ref: 'AWS::Region' }, SigningServiceName: 'kinesis' },
      },
    });
  });

  it('kinesis: its role may only PutRecords on the telemetry stream', () => {
    const [, ds] = dataSource('kinesis');
    const [streamId] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    expect(roleStatements(roleIdOf(ds.ServiceRoleArn))).toEqual([
      { Action: 'kinesis:PutRecords', Effect: 'Allow', Resource: { 'Fn::GetAtt': [streamId, 'Arn'] } },
    ]);
  });

  it('table: the single table, read-only (GetItem, BatchGetItem and Query on the table and its two indexes)', () => {
    const [, ds] = dataSource('table');
    const [tableId] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    expect(ds.DynamoDBConfig).toEqual({ TableName: { Ref: tableId }, AwsRegion: { Ref: 'AWS::Region' } });
    const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
    expect(roleStatements(roleIdOf(ds.ServiceRoleArn))).toEqual([
      {
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
        Effect: 'Allow',
        Resource: [
          tableArn,
          ...TABLE.globalSecondaryIndexes.map((g) => ({ 'Fn::Join': ['', [tableArn, `/index/${g.indexName}`]] })),
        ],
      },
    ]);
  });

  it('none: a NONE data source without a role', () => {
    const [, ds] = dataSource('none');
    expect(ds.Type).toBe('NONE');
    expect(ds.ServiceRoleArn).toBeUndefined();
  });
});

describe('resolvers', () => {
  it('exist for every field of the manifest and no other', () => {
    const fields = Object.values(resourcesOfType(s.template, 'AWS::AppSync::Resolver')).map(
      (r) => `${String(r.Properties?.TypeName)}.${String(r.Properties?.FieldName)}`,
    );
    expect(fields.sort()).toEqual(RESOLVERS.map(resolverFile).sort());
  });

  for (const spec of RESOLVERS) {
    const name = resolverFile(spec);
    it(`${name}: APPSYNC_JS 1.0.0 with the bundle of resolvers/${name}.ts${
      spec.functions ? ' as a pipeline' : ` on ${spec.dataSource}`
    }`, () => {
      const [, resolver] = onlyResource(s.template, 'AWS::AppSync::Resolver', {
        TypeName: spec.typeName,
        FieldName: spec.fieldName,
      });
      const props = resolver.Properties ?? {};
      expect(props.Runtime).toEqual(APPSYNC_JS);
      expect(props.Code).toBe(bundleCode(s.bundles, name));
      if (spec.functions) {
        expect(props.Kind).toBe('PIPELINE');
        expect(props.DataSourceName).toBeUndefined();
        const ids = (props.PipelineConfig as { Functions: Array<{ 'Fn::GetAtt': [string, string] }> }).Functions.map(
          (f) => f['Fn::GetAtt'][0],
        );
        const functions = resourcesOfType(s.template, 'AWS::AppSync::FunctionConfiguration');
        expect(ids.map((id) => functions[id]?.Properties?.Name)).toEqual(spec.functions.map((f) => f.name));
      } else {
        expect(props.Kind).toBe('UNIT');
        expect(props.DataSourceName).toBe(spec.dataSource);
      }
    });
    for (const fn of spec.functions ?? []) {
      it(`${name} function ${fn.name}: APPSYNC_JS 1.0.0 on ${fn.dataSource} with the bundle of resolvers/functions/${fn.name}.ts`, () => {
        const [, f] = onlyResource(s.template, 'AWS::AppSync::FunctionConfiguration', { Name: fn.name });
        expect(f.Properties?.Runtime).toEqual(APPSYNC_JS);
        expect(f.Properties?.DataSourceName).toBe(fn.dataSource);
        expect(f.Properties?.Code).toBe(bundleCode(s.bundles, `functions/${fn.name}`));
      });
    }
  }

  it("fit AppSync's limit on code length (32,768 characters per resolver or function, API reference)", () => {
    const codes = [
      ...Object.values(resourcesOfType(s.template, 'AWS::AppSync::Resolver')),
      ...Object.values(resourcesOfType(s.template, 'AWS::AppSync::FunctionConfiguration')),
    ].map((r) => String(r.Properties?.Code));
    expect(codes).toHaveLength(s.bundles.size);
    for (const code of codes) expect(code.length).toBeLessThanOrEqual(32_768);
  });

  it('are all written: no manifest entry lacks its source file', () => {
    expect(missingResolverSources()).toEqual([]);
  });

  it('a stack without the code of a manifest entry is refused, naming the file', () => {
    const partial = new Map(s.bundles);
    partial.delete('Query.raceResults');
    expect(() => createApp({ bundles: partial, context: { 'aws:cdk:bundling-stacks': [] } })).toThrow(
      MissingResolverCodeError,
    );
    expect(() => createApp({ bundles: partial, context: { 'aws:cdk:bundling-stacks': [] } })).toThrow(
      /resolvers\/Query\.raceResults\.ts/,
    );
  });
});
