/** The data sources of an API definition, by name, ready for resolvers to call. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { withoutSdkLogging } from '../../../lib/withoutSdkLogging.js';
import type { AwsCredentials, DataSourceDefinition } from '../apiDefinition.js';
import { RuntimeConfigError } from '../errors.js';
import { createDynamoDbDataSource } from './dynamodb.js';
import { createHttpDataSource } from './http.js';
import { createNoneDataSource } from './none.js';
import type { DataSource } from './types.js';

/** DynamoDB Local and kinesalite accept any credentials; these stand in for a service role. */
const EMULATOR_CREDENTIALS: AwsCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function createDataSource(definition: DataSourceDefinition): DataSource {
  switch (definition.type) {
    case 'NONE':
      return createNoneDataSource();
    case 'AMAZON_DYNAMODB':
      return createDynamoDbDataSource({
        client: withoutSdkLogging(
          new DynamoDBClient({
            endpoint: definition.endpoint,
            region: definition.dynamodbConfig.awsRegion,
            credentials: definition.credentials ?? EMULATOR_CREDENTIALS,
            // AppSync does not retry a data source call; the resolver sees the first failure.
            maxAttempts: 1,
          }),
        ),
        tableName: definition.dynamodbConfig.tableName,
      });
    case 'HTTP': {
      const iam = definition.httpConfig.authorizationConfig.awsIamConfig;
      return createHttpDataSource({
        endpoint: definition.httpConfig.endpoint,
        region: iam.signingRegion,
        service: iam.signingServiceName,
        credentials: definition.credentials ?? EMULATOR_CREDENTIALS,
      });
    }
  }
}

/** Every data source of the definition; a repeated name is refused, as AppSync refuses it. */
export function createDataSources(definitions: readonly DataSourceDefinition[]): ReadonlyMap<string, DataSource> {
  const out = new Map<string, DataSource>();
  for (const definition of definitions) {
    if (out.has(definition.name)) throw new RuntimeConfigError(`Data source "${definition.name}" is defined twice`);
    out.set(definition.name, createDataSource(definition));
  }
  return out;
}
