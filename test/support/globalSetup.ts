/**
 * vitest globalSetup: one DynamoDB Local, one kinesalite and one cognito-local
 * for the whole test run (tests create their own uniquely named tables and
 * streams, and riders with unique names).
 * Tests read the endpoints with `inject('dynamodbEndpoint')` / `inject('kinesisEndpoint')` / `inject('cognitoEndpoint')`.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/emulators/dynamodbLocal.js';
import { startKinesalite } from '../../local/emulators/kinesalite.js';
import { startCognitoLocal } from '../../local/emulators/cognitoLocal.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    kinesisEndpoint: string;
    cognitoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [ddb, kin, cognito] = await Promise.all([startDynamoDbLocal(), startKinesalite(), startCognitoLocal()]);
  project.provide('dynamodbEndpoint', ddb.endpoint);
  project.provide('kinesisEndpoint', kin.endpoint);
  project.provide('cognitoEndpoint', cognito.endpoint);
  return async () => {
    await Promise.all([ddb.stop(), kin.stop(), cognito.stop()]);
  };
}
