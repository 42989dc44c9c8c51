/**
 * The local stack and the CDK stack are built from the same settings; these
 * tests compare what each actually produces: the table DynamoDB Local holds
 * after the local stack creates it, the local event-source mappings and the
 * functions' environment, the riders' pool on cognito-local, against the
 * synthesized template.
 */
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DescribeTableCommand, DescribeTimeToLiveCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { DescribeUserPoolClientCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { ensureUserPool, localCognito } from '../../local/stack/userPool.js';
import { localDynamoDb } from '../../local/stack/clients.js';
import { functionEnvironment } from '../../local/stack/functionEnv.js';
import { closeScheduleIntervalMs } from '../../local/stack/closeSchedule.js';
import { mappingSettingsFor } from '../../local/stack/stackMappings.js';
import { createTestTable } from '../support/resources.js';
import { logicalId, onlyResource, resourcesOfType, synthAlleycat, type Synthesized } from './synthAlleycat.js';
import { ADMISSION, TABLE } from '../../infra/settings.js';

type Name = 'aggregator' | 'finalizer' | 'allTime';
const NAMES: readonly Name[] = ['aggregator', 'finalizer', 'allTime'];

let s: Synthesized;
let local: TableDescription;
beforeAll(async () => {
  s = await synthAlleycat();
  const endpoint = inject('dynamodbEndpoint');
  const { tableName } = await createTestTable(endpoint);
  const client = localDynamoDb(endpoint);
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  client.destroy();
  if (!described.Table) throw new Error('DynamoDB Local did not describe the table');
  local = described.Table;
});

const byName = <T extends { AttributeName?: string }>(a: T, b: T) =>
  String(a.AttributeName).localeCompare(String(b.AttributeName));

describe('the table DynamoDB Local holds equals the synthesized one', () => {
  it('keys, attribute definitions and billing mode', () => {
    const [, cfn] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    expect(local.KeySchema).toEqual(cfn.Properties?.KeySchema);
    expect([...(local.AttributeDefinitions ?? [])].sort(byName)).toEqual(
      [...(cfn.Properties?.AttributeDefinitions as Array<{ AttributeName: string }>)].sort(byName),
    );
    expect(local.BillingModeSummary?.BillingMode).toBe(cfn.Properties?.BillingMode);
  });

  it('global secondary indexes', () => {
    const [, cfn] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    const got = (local.GlobalSecondaryIndexes ?? [])
      .map((g) => ({
        IndexName: g.IndexName,
        KeySchema: g.KeySchema,
        Projection: { ProjectionType: g.Projection?.ProjectionType },
      }))
      .sort((a, b) => String(a.IndexName).localeCompare(String(b.IndexName)));
    // The on-demand ceiling is AWS billing protection; DynamoDB Local has no throttling to cap.
    const deployed = (cfn.Properties?.GlobalSecondaryIndexes as Array<Record<string, unknown>>).map(
      ({ OnDemandThroughput: _cap, ...gsi }) => gsi,
    );
    expect(got).toEqual(deployed);
  });

  it('time to live on the same attribute', async () => {
    const [, cfn] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    const client = localDynamoDb(inject('dynamodbEndpoint'));
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: String(local.TableName) }));
    client.destroy();
    expect(cfn.Properties?.TimeToLiveSpecification).toEqual({
      AttributeName: TABLE.timeToLiveAttribute,
      Enabled: true,
    });
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: TABLE.timeToLiveAttribute,
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('stream view type', () => {
    const [, cfn] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    expect(local.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: (cfn.Properties?.StreamSpecification as { StreamViewType: string }).StreamViewType,
    });
  });
});

describe('the local event-source mappings equal the synthesized ones', () => {
  for (const windowSeconds of [5, 10]) {
    it(`every setting, with a ${windowSeconds} s window`, async () => {
      const from = windowSeconds === 5 ? s : await synthAlleycat({ windowSeconds });
      for (const name of NAMES) {
        const fnId = logicalId(from.stack, from.stack.pipeline.functions[name].fn);
        const [, m] = onlyResource(from.template, 'AWS::Lambda::EventSourceMapping', { FunctionName: { Ref: fnId } });
        const p = m.Properties ?? {};
        const l = mappingSettingsFor(name, windowSeconds);
        expect(
          {
            BatchSize: l.batchSize,
            MaximumBatchingWindowInSeconds: l.maximumBatchingWindowInSeconds,
            StartingPosition: l.startingPosition,
            ParallelizationFactor: l.parallelizationFactor,
            BisectBatchOnFunctionError: l.bisectBatchOnFunctionError,
            MaximumRetryAttempts: l.maximumRetryAttempts,
            MaximumRecordAgeInSeconds: l.maximumRecordAgeInSeconds,
            FunctionResponseTypes: l.functionResponseTypes,
            TumblingWindowInSeconds: l.tumblingWindowInSeconds,
            FilterCriteria: l.filterCriteria
              ? { Filters: l.filterCriteria.filters.map((f) => ({ Pattern: f.pattern })) }
              : undefined,
          },
          name,
        ).toEqual({
          BatchSize: p.BatchSize,
          MaximumBatchingWindowInSeconds: p.MaximumBatchingWindowInSeconds,
          StartingPosition: p.StartingPosition,
          ParallelizationFactor: p.ParallelizationFactor,
          BisectBatchOnFunctionError: p.BisectBatchOnFunctionError,
          MaximumRetryAttempts: p.MaximumRetryAttempts,
          MaximumRecordAgeInSeconds: p.MaximumRecordAgeInSeconds,
          FunctionResponseTypes: p.FunctionResponseTypes,
          TumblingWindowInSeconds: p.TumblingWindowInSeconds,
          FilterCriteria: p.FilterCriteria,
        });
      }
    });
  }
});

describe('the local functions environment', () => {
  it('sets every variable the CDK stack sets (same values where they do not name a resource)', () => {
    const env = functionEnvironment({
      tableName: 'alleycat',
      graphqlUrl: 'http://127.0.0.1:4000/graphql',
      raceSeconds: 300,
      windowSeconds: 5,
      maxRiders: ADMISSION.maxRidersPerRace,
      dynamodbEndpoint: 'http://127.0.0.1:8000',
      kinesisEndpoint: 'http://127.0.0.1:4567',
      credentials: { accessKeyId: 'LOCALTESTKEY0000000', secretAccessKey: 'local-test-secret-0000000000000000000000' },
    });
    for (const name of NAMES) {
      const fnId = logicalId(s.stack, s.stack.pipeline.functions[name].fn);
      const vars = (
        resourcesOfType(s.template, 'AWS::Lambda::Function')[fnId]?.Properties?.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      // Locally the three handlers share one process: Powertools gets the service
      // name from the handler itself; source maps are Node's own locally.
      const deployed = Object.keys(vars).filter((k) => k !== 'POWERTOOLS_SERVICE_NAME' && k !== 'NODE_OPTIONS');
      for (const key of deployed) {
        expect(env, `${name} ${key}`).toHaveProperty(key);
        if (typeof vars[key] === 'string') expect(env[key], `${name} ${key}`).toBe(vars[key]);
      }
    }
  });
});

describe('the local scheduled close equals the synthesized rule', () => {
  it('same rate', () => {
    const [, rule] = onlyResource(s.template, 'AWS::Events::Rule');
    const m = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(String(rule.Properties?.ScheduleExpression));
    expect(m).not.toBeNull();
    const unitMs = m?.[2]?.startsWith('hour') ? 3_600_000 : 60_000;
    expect(closeScheduleIntervalMs()).toBe(Number(m?.[1]) * unitMs);
  });
});

describe("the riders' pool cognito-local holds equals the synthesized one", () => {
  it('pool name, case sensitivity, password policy, the name attribute; client flows, secret and token lifetimes', async () => {
    const pool = await ensureUserPool(inject('cognitoEndpoint'));
    const client = localCognito(pool.endpoint);
    const described = (await client.send(new DescribeUserPoolCommand({ UserPoolId: pool.userPoolId }))).UserPool;
    const app = (
      await client.send(
        new DescribeUserPoolClientCommand({ UserPoolId: pool.userPoolId, ClientId: pool.userPoolClientId }),
      )
    ).UserPoolClient;
    client.destroy();
    const [, cfnPool] = onlyResource(s.template, 'AWS::Cognito::UserPool');
    const [, cfnClient] = onlyResource(s.template, 'AWS::Cognito::UserPoolClient');
    // The names carry the stage: the local stack's is CDK's default one (dev).
    expect(described?.Name).toBe(cfnPool.Properties?.UserPoolName);
    expect(described?.UsernameConfiguration).toEqual(cfnPool.Properties?.UsernameConfiguration);
    expect(described?.Policies?.PasswordPolicy).toMatchObject(
      (cfnPool.Properties?.Policies as { PasswordPolicy: Record<string, unknown> }).PasswordPolicy,
    );
    expect(described?.SchemaAttributes?.find((a) => a.Name === 'name')).toMatchObject({
      Required: true,
      Mutable: true,
    });
    expect(app?.ClientName).toBe(cfnClient.Properties?.ClientName);
    expect(app?.ClientSecret).toBeUndefined();
    expect([...(app?.ExplicitAuthFlows ?? [])].sort()).toEqual(
      [...(cfnClient.Properties?.ExplicitAuthFlows as string[])].sort(),
    );
    expect({ id: app?.IdTokenValidity, access: app?.AccessTokenValidity }).toEqual({
      id: cfnClient.Properties?.IdTokenValidity,
      access: cfnClient.Properties?.AccessTokenValidity,
    });
  });
});
