/**
 * What one DynamoDB or Kinesis request asks IAM for: the actions and
 * resource ARNs of the call, read from its `X-Amz-Target` header and JSON
 * body as AWS's authorization reference lists them. A batch or transaction
 * needs its action on every table it touches; a transaction needs the
 * action of each of its parts (TransactWriteItems: PutItem, UpdateItem,
 * DeleteItem, ConditionCheckItem; TransactGetItems: GetItem).
 */

export interface Access {
  readonly action: string;
  readonly resource: string;
}

export interface ArnScope {
  readonly region: string;
  readonly accountId: string;
}

type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function tableArn(scope: ArnScope, nameOrArn: string): string {
  return nameOrArn.startsWith('arn:')
    ? nameOrArn
    : `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${nameOrArn}`;
}

const TRANSACT_WRITE_PARTS: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

function dynamodbAccess(operation: string, body: Body, scope: ArnScope): Access[] {
  const on = (action: string, table: unknown, index?: unknown): Access[] => {
    const name = str(table);
    if (name === undefined) return [{ action: `dynamodb:${action}`, resource: '*' }];
    const base = tableArn(scope, name);
    const indexName = str(index);
    return [{ action: `dynamodb:${action}`, resource: indexName ? `${base}/index/${indexName}` : base }];
  };
  switch (operation) {
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return Object.keys(isObject(body.RequestItems) ? body.RequestItems : {}).flatMap((t) => on(operation, t));
    case 'TransactWriteItems':
      return (Array.isArray(body.TransactItems) ? body.TransactItems : []).flatMap((item: unknown) =>
        Object.entries(isObject(item) ? item : {}).flatMap(([part, op]) =>
          TRANSACT_WRITE_PARTS[part] && isObject(op) ? on(TRANSACT_WRITE_PARTS[part], op.TableName) : [],
        ),
      );
    case 'TransactGetItems':
      return (Array.isArray(body.TransactItems) ? body.TransactItems : []).flatMap((item: unknown) =>
        isObject(item) && isObject(item.Get) ? on('GetItem', item.Get.TableName) : [],
      );
    case 'Query':
    case 'Scan':
      return on(operation, body.TableName, body.IndexName);
    case 'ListTables':
      return [{ action: 'dynamodb:ListTables', resource: '*' }];
    default:
      return on(operation, body.TableName ?? body.ResourceArn);
  }
}

function kinesisAccess(operation: string, body: Body, scope: ArnScope): Access[] {
  const arn = str(body.StreamARN);
  const name = str(body.StreamName);
  const resource =
    arn ?? (name === undefined ? '*' : `arn:aws:kinesis:${scope.region}:${scope.accountId}:stream/${name}`);
  return [{ action: `kinesis:${operation}`, resource }];
}

/**
 * The accesses of a request, or undefined for a target this check does not
 * know (which the caller then refuses: nothing passes unchecked).
 */
export function requestedAccess(target: string, body: unknown, scope: ArnScope): Access[] | undefined {
  const [prefix, operation] = target.split('.');
  if (operation === undefined || !isObject(body)) return undefined;
  if (prefix === 'DynamoDB_20120810') return dynamodbAccess(operation, body, scope);
  if (prefix === 'Kinesis_20131202') return kinesisAccess(operation, body, scope);
  return undefined;
}
