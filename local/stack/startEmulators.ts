/**
 * DynamoDB Local, kinesalite and cognito-local on loopback ports, started side
 * by side; cognito-local runs the riders' pool's triggers, the functions CDK
 * attaches, through a local Lambda Invoke API.
 */
import path from 'node:path';
import { handler as preSignUp } from '../../functions/preSignUp/handler.js';
import { startLambdaInvokeServer } from '../emulators/lambdaInvokeServer.js';
import { startDynamoDbLocal, type RunningEmulator } from '../emulators/dynamodbLocal.js';
import { startKinesalite } from '../emulators/kinesalite.js';
import { startCognitoLocal } from '../emulators/cognitoLocal.js';

/** The riders' pool's triggers, by the function name cognito-local invokes. */
const USER_POOL_TRIGGERS = { PreSignUp: 'alleycat-preSignUp' } as const;

export interface StackEmulators {
  readonly dynamodb: RunningEmulator;
  readonly kinesis: RunningEmulator;
  readonly cognito: RunningEmulator;
  stop(): Promise<void>;
}

/** Starts all three (data under `dataDir`, or in memory); if one fails, those that started are stopped. */
export async function startEmulators(dataDir: string | undefined): Promise<StackEmulators> {
  const lambda = await startLambdaInvokeServer({
    [USER_POOL_TRIGGERS.PreSignUp]: (event) => preSignUp(event as Parameters<typeof preSignUp>[0]),
  });
  const triggers = { lambdaEndpoint: lambda.endpoint, functions: USER_POOL_TRIGGERS };
  const results = await Promise.allSettled([
    startDynamoDbLocal(dataDir ? { dataDir: path.join(dataDir, 'dynamodb') } : {}),
    startKinesalite(dataDir ? { dataDir: path.join(dataDir, 'kinesis') } : {}),
    startCognitoLocal(dataDir ? { stateDir: path.join(dataDir, 'cognito'), triggers } : { triggers }),
  ]);
  const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((e) => e.stop()));
    await lambda.stop();
  };
  const [dynamodb, kinesis, cognito] = results;
  if (dynamodb?.status !== 'fulfilled' || kinesis?.status !== 'fulfilled' || cognito?.status !== 'fulfilled') {
    await stop();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    throw failed?.reason;
  }
  return { dynamodb: dynamodb.value, kinesis: kinesis.value, cognito: cognito.value, stop };
}
