/**
 * A table kept from an earlier run of the local stack, whose stream has the
 * view type of an older settings file, gets a stream of the current view type
 * (DynamoDB cannot change a stream's view type: disable, enable a new one).
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { TABLE } from '../../infra/settings.js';
import { localDynamoDb } from '../../local/stack/clients.js';
import { ensureTable, tableDefinition } from '../../local/stack/resources.js';

describe('the local table stream view type', () => {
  it('a kept table with a NEW_IMAGE stream gets a new stream of the settings view type; a current one is left alone', async () => {
    const client = localDynamoDb(inject('dynamodbEndpoint'));
    try {
      const tableName = `old-${randomUUID().slice(0, 8)}`;
      const old = await client.send(
        new CreateTableCommand({
          ...tableDefinition(tableName),
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        }),
      );
      const oldArn = old.TableDescription?.LatestStreamArn;
      expect(oldArn).toBeDefined();

      const arn = await ensureTable(client, tableName);
      const described = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
      expect(TABLE.streamViewType).toBe('NEW_AND_OLD_IMAGES');
      expect(described?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: TABLE.streamViewType });
      expect(arn).toBe(described?.LatestStreamArn);
      expect(arn).not.toBe(oldArn);

      expect(await ensureTable(client, tableName)).toBe(arn);
    } finally {
      client.destroy();
    }
  });
});
