/**
 * vitest globalSetup: one DynamoDB Local and one kinesalite for the whole test
 * run (tests create their own uniquely named tables and streams).
 * Tests read the endpoints with `inject('dynamodbEndpoint')` / `inject('kinesisEndpoint')`.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/emulators/dynamodbLocal.js';
import { startKinesalite } from '../../local/emulators/kinesalite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    kinesisEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [ddb, kin] = await Promise.all([startDynamoDbLocal(), startKinesalite()]);
  project.provide('dynamodbEndpoint', ddb.endpoint);
  project.provide('kinesisEndpoint', kin.endpoint);
  return async () => {
    await Promise.all([ddb.stop(), kin.stop()]);
  };
}
