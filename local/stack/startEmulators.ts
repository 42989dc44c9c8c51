/** DynamoDB Local, kinesalite and cognito-local on loopback ports, started side by side. */
import path from 'node:path';
import { startDynamoDbLocal, type RunningEmulator } from '../emulators/dynamodbLocal.js';
import { startKinesalite } from '../emulators/kinesalite.js';
import { startCognitoLocal } from '../emulators/cognitoLocal.js';

export interface StackEmulators {
  readonly dynamodb: RunningEmulator;
  readonly kinesis: RunningEmulator;
  readonly cognito: RunningEmulator;
  stop(): Promise<void>;
}

/** Starts all three (data under `dataDir`, or in memory); if one fails, those that started are stopped. */
export async function startEmulators(dataDir: string | undefined): Promise<StackEmulators> {
  const results = await Promise.allSettled([
    startDynamoDbLocal(dataDir ? { dataDir: path.join(dataDir, 'dynamodb') } : {}),
    startKinesalite(dataDir ? { dataDir: path.join(dataDir, 'kinesis') } : {}),
    startCognitoLocal(dataDir ? { stateDir: path.join(dataDir, 'cognito') } : {}),
  ]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((e) => e.stop()));
  };
  const [dynamodb, kinesis, cognito] = results;
  if (dynamodb?.status !== 'fulfilled' || kinesis?.status !== 'fulfilled' || cognito?.status !== 'fulfilled') {
    await stop();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason;
  }
  return { dynamodb: dynamodb.value, kinesis: kinesis.value, cognito: cognito.value, stop };
}
