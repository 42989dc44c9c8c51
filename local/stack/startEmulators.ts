/** DynamoDB Local and kinesalite on loopback ports, started side by side. */
import path from 'node:path';
import { startDynamoDbLocal, type RunningEmulator } from '../emulators/dynamodbLocal.js';
import { startKinesalite } from '../emulators/kinesalite.js';

export interface StackEmulators {
  readonly dynamodb: RunningEmulator;
  readonly kinesis: RunningEmulator;
  stop(): Promise<void>;
}

/** Starts both (data under `dataDir`, or in memory); if one fails, the one that started is stopped. */
export async function startEmulators(dataDir: string | undefined): Promise<StackEmulators> {
  const results = await Promise.allSettled([
    startDynamoDbLocal(dataDir ? { dataDir: path.join(dataDir, 'dynamodb') } : {}),
    startKinesalite(dataDir ? { dataDir: path.join(dataDir, 'kinesis') } : {}),
  ]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((e) => e.stop()));
  };
  const [dynamodb, kinesis] = results;
  if (dynamodb?.status !== 'fulfilled' || kinesis?.status !== 'fulfilled') {
    await stop();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason;
  }
  return { dynamodb: dynamodb.value, kinesis: kinesis.value, stop };
}
