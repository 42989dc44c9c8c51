import { beforeAll, describe, expect, it } from 'vitest';
import { INDEX_ACTIONS, TABLE_ACTIONS } from '../../infra/constructs/Pipeline.js';
import { esbuildTarget, settingsRuntime } from '../../infra/constructs/functionBuild.js';
import {
  ADMISSION,
  FUNCTIONS,
  MAPPINGS,
  MONITORING,
  RACE,
  SERVICE_NAMES,
  type MappingSettings,
} from '../../infra/settings.js';
import {
  logicalId,
  onlyResource,
  resourcesOfType,
  synthAlleycat,
  type CfnResourceJson,
  type Synthesized,
} from './synthAlleycat.js';

type Name = keyof typeof SERVICE_NAMES;
const NAMES: readonly Name[] = ['aggregator', 'finalizer', 'allTime'];

let s: Synthesized;
let wide: Synthesized;
beforeAll(async () => {
  s = await synthAlleycat();
  wide = await synthAlleycat({ windowSeconds: 10 });
});

function fnId(name: Name, from = s): string {
  return logicalId(from.stack, from.stack.pipeline.functions[name].fn);
}
function fn(name: Name): CfnResourceJson {
  const found = resourcesOfType(s.template, 'AWS::Lambda::Function')[fnId(name)];
  if (!found) throw new Error(`no function ${name}`);
  return found;
}
function mapping(name: Name, from = s): Record<string, unknown> {
  const [, m] = onlyResource(from.template, 'AWS::Lambda::EventSourceMapping', {
    FunctionName: { Ref: fnId(name, from) },
  });
  // Tags (project, stage) are checked once, in synth.test.ts.
  const { Tags: _tags, ...rest } = m.Properties ?? {};
  return rest;
}
function queueId(name: Name): string {
  return logicalId(s.stack, s.stack.pipeline.functions[name].deadLetterQueue);
}
function statements(name: Name): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  const roleId = logicalId(s.stack, s.stack.pipeline.functions[name].role);
  return Object.values(resourcesOfType(s.template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(
      (p) =>
        (
          p.Properties?.PolicyDocument as {
            Statement: Array<{ Action: string | string[]; Resource: unknown; Effect: string }>;
          }
        ).Statement,
    );
}
const actionsOf = (st: { Action: string | string[] }): string[] => (Array.isArray(st.Action) ? st.Action : [st.Action]);

/** The CloudFormation form of one MAPPINGS entry. */
function expectedMapping(m: MappingSettings): Record<string, unknown> {
  return {
    BatchSize: m.batchSize,
    MaximumBatchingWindowInSeconds: m.maximumBatchingWindowInSeconds,
    StartingPosition: m.startingPosition,
    ParallelizationFactor: m.parallelizationFactor,
    BisectBatchOnFunctionError: m.bisectBatchOnFunctionError,
    MaximumRetryAttempts: m.maximumRetryAttempts,
    MaximumRecordAgeInSeconds: m.maximumRecordAgeInSeconds,
    FunctionResponseTypes: m.reportBatchItemFailures ? ['ReportBatchItemFailures'] : undefined,
  };
}

describe('the stream functions', () => {
  for (const name of NAMES) {
    it(`${name}: Node.js 22 on arm64, bundled from functions/${name}/handler.ts (export handler), sized by the settings`, () => {
      expect(fn(name).Properties).toMatchObject({
        Runtime: FUNCTIONS.runtime,
        Handler: 'index.handler',
        MemorySize: FUNCTIONS.memorySize[name],
        Timeout: FUNCTIONS.timeoutSeconds[name],
        Architectures: ['arm64'],
      });
      expect(FUNCTIONS.runtime).toBe('nodejs22.x');
    });
  }

  it('trace with X-Ray and run within the reserved concurrency of the settings (docs/operations.md, Decisions)', () => {
    for (const name of NAMES) {
      expect(fn(name).Properties, name).toMatchObject({
        TracingConfig: { Mode: 'Active' },
        ReservedConcurrentExecutions: FUNCTIONS.reservedConcurrency[name],
      });
      // X-Ray's actions have no resource-level permissions: the one wildcard of the roles.
      const xray = statements(name).filter((st) => actionsOf(st).some((a) => a.startsWith('xray:')));
      expect(
        xray.map((st) => [st.Effect, [...actionsOf(st)].sort(), st.Resource]),
        name,
      ).toEqual([['Allow', ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], '*']]);
    }
  });

  it('are bundled for the Node major of the runtime setting', () => {
    expect(settingsRuntime().name).toBe(FUNCTIONS.runtime);
    expect(esbuildTarget()).toBe('node22');
  });

  it('get the table, race timing, window and Powertools settings; only the aggregator gets the GraphQL URL', () => {
    const [tableId] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    const [apiId] = onlyResource(s.template, 'AWS::AppSync::GraphQLApi');
    for (const name of NAMES) {
      const vars = (fn(name).Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(vars).toEqual({
        TABLE_NAME: { Ref: tableId },
        RACE_SECONDS: String(RACE.raceSeconds),
        GRACE_SECONDS: String(RACE.graceSeconds),
        MAX_RIDERS: String(ADMISSION.maxRidersPerRace),
        WINDOW_SECONDS: String(MAPPINGS.aggregator.tumblingWindowInSeconds),
        POWERTOOLS_SERVICE_NAME: SERVICE_NAMES[name],
        POWERTOOLS_METRICS_NAMESPACE: 'Alleycat',
        NODE_OPTIONS: '--enable-source-maps',
        ...(name === 'aggregator' ? { GRAPHQL_URL: { 'Fn::GetAtt': [apiId, 'GraphQLUrl'] } } : {}),
      });
    }
    expect(MONITORING.metricsNamespace).toBe('Alleycat');
  });
});

describe('event-source mappings', () => {
  it('aggregator: the telemetry stream, batches of 1000, a tumbling window, bisect, bounded retries and age, partial failures, its DLQ', () => {
    const [streamId] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    expect(mapping('aggregator')).toEqual({
      ...expectedMapping(MAPPINGS.aggregator),
      EventSourceArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      FunctionName: { Ref: fnId('aggregator') },
      TumblingWindowInSeconds: MAPPINGS.aggregator.tumblingWindowInSeconds,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId('aggregator'), 'Arn'] } } },
    });
    expect(MAPPINGS.aggregator.batchSize).toBe(1000);
    expect(MAPPINGS.aggregator.tumblingWindowInSeconds).toBe(5);
  });

  it('aggregator: the window follows the windowSeconds context value, and so does WINDOW_SECONDS', () => {
    expect(mapping('aggregator', wide).TumblingWindowInSeconds).toBe(10);
    const aggregator = resourcesOfType(wide.template, 'AWS::Lambda::Function')[fnId('aggregator', wide)];
    expect(
      (aggregator?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.WINDOW_SECONDS,
    ).toBe('10');
  });

  it('finalizer: the telemetry stream with the same failure handling, no window, its own DLQ', () => {
    const [streamId] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    expect(mapping('finalizer')).toEqual({
      ...expectedMapping(MAPPINGS.finalizer),
      EventSourceArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      FunctionName: { Ref: fnId('finalizer') },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId('finalizer'), 'Arn'] } } },
    });
  });

  it('allTime: the table stream, filtered to inserted and replaced results, with failure handling and its own DLQ', () => {
    const [tableId] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    expect(mapping('allTime')).toEqual({
      ...expectedMapping(MAPPINGS.allTime),
      EventSourceArn: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      FunctionName: { Ref: fnId('allTime') },
      FilterCriteria: { Filters: MAPPINGS.allTime.filters.map((f) => ({ Pattern: f.pattern })) },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId('allTime'), 'Arn'] } } },
    });
    expect(JSON.parse(MAPPINGS.allTime.filters[0].pattern)).toEqual({
      eventName: ['INSERT', 'MODIFY'],
      dynamodb: { NewImage: { SK: { S: [{ prefix: 'RESULT#' }] } } },
    });
  });

  it('each function has its own encrypted, TLS-only dead-letter queue', () => {
    const queues = resourcesOfType(s.template, 'AWS::SQS::Queue');
    const tickFailures = logicalId(s.stack, s.stack.pipeline.closeTickFailures);
    expect(Object.keys(queues).sort()).toEqual([...NAMES.map(queueId), tickFailures].sort());
    for (const q of Object.values(queues)) {
      expect(q.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: MONITORING.dlqRetentionDays * 86400,
      });
    }
    for (const name of NAMES) {
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId(name) }],
        PolicyDocument: {
          Statement: [{ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }],
        },
      });
    }
  });
});

describe('least privilege', () => {
  it('only the aggregator may call AppSync, and only the two publish fields it calls', () => {
    const [apiId] = onlyResource(s.template, 'AWS::AppSync::GraphQLApi');
    const appsync = statements('aggregator').filter((st) => actionsOf(st).some((a) => a.startsWith('appsync:')));
    const field = (name: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':appsync:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          ':apis/',
          { 'Fn::GetAtt': [apiId, 'ApiId'] },
          `/types/Mutation/fields/${name}`,
        ],
      ],
    });
    expect(appsync).toEqual([
      {
        Action: 'appsync:GraphQL',
        Effect: 'Allow',
        Resource: [field('publishLiveRankings'), field('publishLiveBand')],
      },
    ]);
    for (const name of ['finalizer', 'allTime'] as const) {
      expect(
        statements(name)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('appsync:')),
      ).toEqual([]);
    }
  });

  for (const name of NAMES) {
    it(`${name}: exactly its table actions, on the table only`, () => {
      const [tableId] = onlyResource(s.template, 'AWS::DynamoDB::Table');
      const table = statements(name).filter((st) =>
        actionsOf(st).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListStreams'),
      );
      const itemActions = table.filter(
        (st) => JSON.stringify(st.Resource) === JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] }),
      );
      expect(itemActions.flatMap(actionsOf).sort()).toEqual([...TABLE_ACTIONS[name]].sort());
      const indexActions = table.filter((st) => JSON.stringify(st.Resource).includes('/index/'));
      expect(indexActions.flatMap(actionsOf)).toEqual([...INDEX_ACTIONS[name]]);
      // allTime queries GSI1 and GSI2 (its ranking heads are built from them), nothing else of the indexes.
      for (const st of indexActions) {
        expect(st.Resource).toEqual(
          ['GSI1', 'GSI2'].map((index) => ({
            'Fn::Join': ['', [{ 'Fn::GetAtt': [tableId, 'Arn'] }, `/index/${index}`]],
          })),
        );
      }
      const others = table.filter((st) => !itemActions.includes(st) && !indexActions.includes(st));
      // allTime's event source reads the table's stream (and nothing else of it).
      expect(others.flatMap(actionsOf).sort()).toEqual(
        name === 'allTime' ? ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'] : [],
      );
      for (const st of others) expect(st.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
    });
  }

  it('the table actions are exactly the calls each function makes', () => {
    // Read from the code: functions/<name>/**/*.ts send these commands (TransactWriteItems of Puts needs PutItem).
    // The local stack enforces the same statements (test/stack/iamEnforcement.test.ts runs a race through them).
    expect(TABLE_ACTIONS).toEqual({
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
    });
    expect(INDEX_ACTIONS).toEqual({ aggregator: [], finalizer: [], allTime: ['dynamodb:Query'] });
  });

  it('no role uses an AWS managed policy; each function writes only its own log group', () => {
    for (const role of Object.values(resourcesOfType(s.template, 'AWS::IAM::Role'))) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
    for (const name of NAMES) {
      const logs = statements(name).filter((st) => actionsOf(st).some((a) => a.startsWith('logs:')));
      const group = logicalId(s.stack, s.stack.pipeline.functions[name].fn.logGroup);
      expect(logs).toEqual([
        {
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [group, 'Arn'] },
        },
      ]);
    }
  });
});
