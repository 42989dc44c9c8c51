/** AWS SDK clients pointed at the local emulators (which accept any credentials: the placeholder ones). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../credentials.js';
import { withoutSdkLogging } from '../../lib/withoutSdkLogging.js';
import { kinesisJsonClient, type KinesisJsonClient } from '../esm/kinesisJsonClient.js';

export function localDynamoDb(endpoint: string): DynamoDBClient {
  return withoutSdkLogging(
    new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS, maxAttempts: 3 }),
  );
}

export function localKinesis(endpoint: string): KinesisClient {
  // The Kinesis client defaults to HTTP/2 (for SubscribeToShard); kinesalite speaks HTTP/1.1.
  return withoutSdkLogging(
    new KinesisClient({
      endpoint,
      region: LOCAL_REGION,
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler({ httpAgent: { keepAlive: true, maxSockets: 64 } }),
    }),
  );
}

/** Every client the stack's own parts use, on the two emulators. */
export interface StackClients {
  readonly dynamodb: DynamoDBClient;
  readonly kinesis: KinesisClient;
  /** GetRecords without the SDK's per-record decoding (throughput). */
  readonly kinesisJson: KinesisJsonClient;
  readonly streams: DynamoDBStreamsClient;
  destroy(): void;
}

export function stackClients(dynamodbEndpoint: string, kinesisEndpoint: string): StackClients {
  const dynamodb = localDynamoDb(dynamodbEndpoint);
  const kinesis = localKinesis(kinesisEndpoint);
  const kinesisJson = kinesisJsonClient({
    endpoint: kinesisEndpoint,
    region: LOCAL_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
  const streams = new DynamoDBStreamsClient({
    endpoint: dynamodbEndpoint,
    region: LOCAL_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
  return {
    dynamodb,
    kinesis,
    kinesisJson,
    streams,
    destroy() {
      dynamodb.destroy();
      kinesis.destroy();
      kinesisJson.destroy();
      streams.destroy();
    },
  };
}
