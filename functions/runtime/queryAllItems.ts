/**
 * Every item a DynamoDB Query answers, across all its pages. The SDK's
 * paginator follows LastEvaluatedKey; a Query answers at most 1 MB a page,
 * so any read of a partition that can grow goes through here.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';

export async function queryAllItems(
  ddb: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  for await (const page of paginateQuery({ client: ddb }, input)) items.push(...(page.Items ?? []));
  return items;
}
