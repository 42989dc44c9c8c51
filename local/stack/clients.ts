/** AWS SDK clients pointed at the local emulators, with the local credentials. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../credentials.js';
import { withoutSdkLogging } from '../../lib/withoutSdkLogging.js';

export function localDynamoDb(endpoint: string): DynamoDBClient {
  return withoutSdkLogging(
    new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 }),
  );
}

export function localKinesis(endpoint: string): KinesisClient {
  // The Kinesis client defaults to HTTP/2 (for SubscribeToShard); kinesalite speaks HTTP/1.1.
  return withoutSdkLogging(
    new KinesisClient({
      endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } }),
    }),
  );
}
