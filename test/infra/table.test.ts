import { beforeAll, describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { MONITORING, STREAM, TABLE } from '../../infra/settings.js';
import { onlyResource, synthAlleycat, type Synthesized } from './synthAlleycat.js';

let s: Synthesized;
beforeAll(async () => {
  s = await synthAlleycat();
});

describe('the single table', () => {
  it('is on-demand with point-in-time recovery and the keys of infra/settings.ts', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: TABLE.billingMode,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: TABLE.pointInTimeRecovery },
      KeySchema: [
        { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
    });
  });

  it('streams new and old images, the views the all-time consumer reads (old: the output a late final replaces)', () => {
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: TABLE.streamViewType },
    });
    expect(TABLE.streamViewType).toBe('NEW_AND_OLD_IMAGES');
  });

  it('has GSI1 and GSI2 exactly as the settings define them, and no other index', () => {
    const [, table] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    const props = table.Properties ?? {};
    expect(props.GlobalSecondaryIndexes).toEqual(
      TABLE.globalSecondaryIndexes.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: [
          { AttributeName: gsi.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: gsi.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: gsi.projection },
        OnDemandThroughput: {
          MaxReadRequestUnits: TABLE.maxReadRequestUnits,
          MaxWriteRequestUnits: TABLE.maxWriteRequestUnits,
        },
      })),
    );
    const declared = [
      TABLE.partitionKey,
      TABLE.sortKey,
      ...TABLE.globalSecondaryIndexes.flatMap((g) => [g.partitionKey, g.sortKey]),
    ];
    expect(props.AttributeDefinitions).toEqual(
      expect.arrayContaining(declared.map((a) => ({ AttributeName: a.name, AttributeType: a.type }))),
    );
    expect(props.AttributeDefinitions).toHaveLength(declared.length);
  });

  it('is kept when the stack is deleted and protected against deletion', () => {
    s.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('outputs its name', () => {
    s.template.hasOutput('TableName', { Value: { Ref: Match.stringLikeRegexp('^DataTable') } });
  });
});

describe('production settings of the table and the stream', () => {
  it('caps on-demand throughput, expires transient items by TTL, keeps results when the stack goes', () => {
    const [, table] = onlyResource(s.template, 'AWS::DynamoDB::Table');
    expect(table.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      OnDemandThroughput: {
        MaxReadRequestUnits: TABLE.maxReadRequestUnits,
        MaxWriteRequestUnits: TABLE.maxWriteRequestUnits,
      },
    });
    expect(table.DeletionPolicy).toBe('Retain');
  });

  it('keeps telemetry as long as the dead-letter queues keep its pointers, with a bounded ShardCount, deleted with the stack', () => {
    const [, stream] = onlyResource(s.template, 'AWS::Kinesis::Stream');
    expect(STREAM.retentionHours).toBe(MONITORING.dlqRetentionDays * 24);
    expect(stream.Properties).toMatchObject({ RetentionPeriodHours: STREAM.retentionHours });
    expect(stream.DeletionPolicy).toBe('Delete');
    expect(s.template.toJSON().Parameters.ShardCount).toMatchObject({ MinValue: 1, MaxValue: STREAM.maxShardCount });
  });
});
