/** Fresh, uniquely named tables and streams for tests, built from infra/settings.ts. */
import { randomUUID } from 'node:crypto';
import { ensureStream, ensureTable } from '../../local/stack/resources.js';
import { localDynamoDb, localKinesis } from '../../local/stack/clients.js';

export interface TestTable {
  tableName: string;
  streamArn: string;
}

export async function createTestTable(endpoint: string): Promise<TestTable> {
  const tableName = `t-${randomUUID().slice(0, 8)}`;
  const client = localDynamoDb(endpoint);
  const streamArn = await ensureTable(client, tableName);
  client.destroy();
  return { tableName, streamArn };
}

export async function createTestStream(
  endpoint: string,
  shardCount = 2,
): Promise<{ streamName: string; streamArn: string }> {
  const streamName = `s-${randomUUID().slice(0, 8)}`;
  const client = localKinesis(endpoint);
  const streamArn = await ensureStream(client, streamName, shardCount);
  client.destroy();
  return { streamName, streamArn };
}
