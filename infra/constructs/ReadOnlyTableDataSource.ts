/**
 * An AppSync DynamoDB data source whose role may only GetItem and Query the
 * table and its named indexes. (CDK's DynamoDbDataSource grants the whole
 * read set on `<table>/index/*`; every table resolver of the manifest only
 * reads one item or queries one key condition.)
 */
import { Stack } from 'aws-cdk-lib';
import { BackedDataSource, type BackedDataSourceProps } from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export interface ReadOnlyTableDataSourceProps extends BackedDataSourceProps {
  readonly table: ITable;
  /** Indexes the resolvers query. */
  readonly indexNames: readonly string[];
}

/** The read actions of the table resolvers. */
export const RESOLVER_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'] as const;

export class ReadOnlyTableDataSource extends BackedDataSource {
  constructor(scope: Construct, id: string, props: ReadOnlyTableDataSourceProps) {
    super(scope, id, props, {
      type: 'AMAZON_DYNAMODB',
      dynamoDbConfig: { tableName: props.table.tableName, awsRegion: Stack.of(scope).region },
    });
    this.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...RESOLVER_TABLE_ACTIONS],
        resources: [props.table.tableArn, ...props.indexNames.map((name) => `${props.table.tableArn}/index/${name}`)],
      }),
    );
  }
}
