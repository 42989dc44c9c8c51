import { describe, expect, it, inject } from 'vitest';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { createTestStream, createTestTable } from '../support/resources.js';
import { localDynamoDb, localKinesis } from '../../local/stack/clients.js';
import { parseJavaMajor } from '../../local/emulators/javaVersion.js';

describe('test emulators', () => {
  it('creates a table with its stream in DynamoDB Local', async () => {
    const { tableName, streamArn } = await createTestTable(inject('dynamodbEndpoint'));
    expect(streamArn).toContain(tableName);
    const tables = await localDynamoDb(inject('dynamodbEndpoint')).send(new ListTablesCommand({}));
    expect(tables.TableNames).toContain(tableName);
  });

  it('creates an active multi-shard stream in kinesalite', async () => {
    const { streamName } = await createTestStream(inject('kinesisEndpoint'), 3);
    const d = await localKinesis(inject('kinesisEndpoint')).send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    expect(d.StreamDescriptionSummary?.OpenShardCount).toBe(3);
  });
});

describe('java version parsing', () => {
  it('reads modern and legacy version strings', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('garbage')).toBeUndefined();
  });
});
