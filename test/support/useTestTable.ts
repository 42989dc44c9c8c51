/**
 * A fresh table (and its stream) on the test run's DynamoDB Local for one
 * describe block or file, made before its tests by its own beforeAll.
 */
import { beforeAll, inject } from 'vitest';
import { createTestTable, type TestTable } from './resources.js';

/** Read its fields in hooks and tests: they are there once the table is made. */
export interface UsedTestTable extends TestTable {
  /** The run's DynamoDB Local. */
  readonly endpoint: string;
}

/** Registers the beforeAll that makes the table: call it before any hook that uses the table. */
export function useTestTable(): UsedTestTable {
  let made: (TestTable & { endpoint: string }) | undefined;
  beforeAll(async () => {
    const endpoint = inject('dynamodbEndpoint');
    made = { endpoint, ...(await createTestTable(endpoint)) };
  });
  const get = () => {
    if (made === undefined) throw new Error('useTestTable: read before its beforeAll made the table');
    return made;
  };
  return {
    get endpoint() {
      return get().endpoint;
    },
    get tableName() {
      return get().tableName;
    },
    get streamArn() {
      return get().streamArn;
    },
  };
}
