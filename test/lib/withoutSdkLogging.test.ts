import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../functions/runtime/documentClient.js';
import { SDK_LOGGER_MIDDLEWARE, withoutSdkLogging } from '../../lib/withoutSdkLogging.js';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../../local/credentials.js';
import { createTestTable } from '../support/resources.js';

const middlewareNames = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().map((m) => m.split(' - ')[0]);

describe('withoutSdkLogging', () => {
  it('finds the SDK’s logger middleware under the name it removes', () => {
    const client = new DynamoDBClient({ region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS });
    expect(middlewareNames(client)).toContain(SDK_LOGGER_MIDDLEWARE);
    withoutSdkLogging(client);
    expect(middlewareNames(client)).not.toContain(SDK_LOGGER_MIDDLEWARE);
  });

  it('leaves the functions’ document client working on DynamoDB Local, without the logger middleware', async () => {
    const endpoint = inject('dynamodbEndpoint');
    const table = await createTestTable(endpoint);
    const ddb = createDocumentClient({ region: LOCAL_REGION, endpoint, credentials: EMULATOR_CREDENTIALS });
    expect(middlewareNames(ddb)).not.toContain(SDK_LOGGER_MIDDLEWARE);
    await ddb.send(
      new PutCommand({ TableName: table.tableName, Item: { PK: 'P', SK: 'S', riders: { a: { second: 3 } } } }),
    );
    const out = await ddb.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': 'P' },
      }),
    );
    expect(out.Items).toEqual([{ PK: 'P', SK: 'S', riders: { a: { second: 3 } } }]);
  });
});
