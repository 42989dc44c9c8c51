/** One item read back as a test checks what was just written. */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The item at `key`, read consistently (never a stale copy); undefined when there is none. */
export async function readItem(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  key: { PK: string; SK: string },
): Promise<Record<string, unknown> | undefined> {
  return (await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}
