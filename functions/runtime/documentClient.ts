/** The DynamoDB document client of the functions. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Credentials } from './config.js';
import { withoutSdkLogging } from '../../lib/withoutSdkLogging.js';

export interface DynamoOptions {
  region: string;
  /** DynamoDB Local's endpoint; unset on AWS. */
  endpoint?: string;
  credentials?: Credentials;
  /** SDK attempts per call (its own retries, before ours); default 3. */
  maxAttempts?: number;
}

/** A document client that drops undefined attributes (optional `name`). */
export function createDocumentClient(opts: DynamoOptions): DynamoDBDocumentClient {
  const client = withoutSdkLogging(
    new DynamoDBClient({
      region: opts.region,
      endpoint: opts.endpoint,
      credentials: opts.credentials,
      maxAttempts: opts.maxAttempts,
    }),
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}
