/**
 * DynamoDB Query request objects of the AppSync DynamoDB data source: a key
 * condition on one partition, optionally narrowed to a sort-key prefix. Typed
 * values are written out ({ S: … }) so the request is exactly what AppSync
 * receives.
 */
import type { DynamoDBQueryRequest } from '@aws-appsync/utils';

/** One partition of the table or of an index. */
export interface PartitionQuery {
  /** Index name (GSI1, GSI2); omit for the table. */
  readonly index?: string;
  readonly pkName: string;
  readonly pk: string;
  readonly skName: string;
  /** Only items whose sort key begins with this. */
  readonly skPrefix?: string;
  /** Only items whose sort key comes after this one (exclusive), or from this one (inclusive), or before it (exclusive). */
  readonly skAfter?: string;
  readonly skFrom?: string;
  readonly skBefore?: string;
  /** Only items whose sort key is at most this one (with skFrom: between the two, inclusive). */
  readonly skUpTo?: string;
  /** True for ascending sort keys (DynamoDB's scanIndexForward). */
  readonly forward: boolean;
  readonly limit?: number;
  /** AppSync's DynamoDB nextToken. */
  readonly nextToken?: string | null;
}

/** The Query request object of one partition. */
export function partitionQuery(q: PartitionQuery): DynamoDBQueryRequest {
  const names: Record<string, string> = { '#pk': q.pkName };
  const values: Record<string, unknown> = { ':pk': { S: q.pk } };
  let expression = '#pk = :pk';
  if (q.skPrefix !== undefined) {
    names['#sk'] = q.skName;
    values[':sk'] = { S: q.skPrefix };
    expression = `${expression} AND begins_with(#sk, :sk)`;
  } else if (q.skAfter !== undefined) {
    names['#sk'] = q.skName;
    values[':sk'] = { S: q.skAfter };
    expression = `${expression} AND #sk > :sk`;
  } else if (q.skFrom !== undefined && q.skUpTo !== undefined) {
    names['#sk'] = q.skName;
    values[':sk'] = { S: q.skFrom };
    values[':to'] = { S: q.skUpTo };
    expression = `${expression} AND #sk BETWEEN :sk AND :to`;
  } else if (q.skFrom !== undefined) {
    names['#sk'] = q.skName;
    values[':sk'] = { S: q.skFrom };
    expression = `${expression} AND #sk >= :sk`;
  } else if (q.skUpTo !== undefined) {
    names['#sk'] = q.skName;
    values[':to'] = { S: q.skUpTo };
    expression = `${expression} AND #sk <= :to`;
  } else if (q.skBefore !== undefined) {
    names['#sk'] = q.skName;
    values[':sk'] = { S: q.skBefore };
    expression = `${expression} AND #sk < :sk`;
  }
  const request: DynamoDBQueryRequest = {
    operation: 'Query',
    query: { expression, expressionNames: names, expressionValues: values },
    scanIndexForward: q.forward,
  };
  if (q.index !== undefined) request.index = q.index;
  if (q.limit !== undefined) request.limit = q.limit;
  if (q.nextToken !== undefined && q.nextToken !== null) request.nextToken = q.nextToken;
  return request;
}
