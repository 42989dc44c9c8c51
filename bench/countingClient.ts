/**
 * A DynamoDB document client whose write calls are counted: an SDK middleware
 * sees every command the client sends. The per-record designs of the live
 * benchmarks (bench/liveWrites.ts, bench/perRecordConsumer.ts) write through it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../local/credentials.js';

/** The DynamoDB commands that write, by the name the SDK gives them (`context.commandName`). */
export const WRITE_COMMANDS: ReadonlySet<string> = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'BatchWriteItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
]);

export interface CountingClient {
  ddb: DynamoDBDocumentClient;
  /** Write calls sent so far. */
  writes: () => number;
  destroy: () => void;
}

/** A document client on DynamoDB Local at `endpoint` that counts its write calls. */
export function countingClient(endpoint: string): CountingClient {
  let writes = 0;
  const base = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS });
  base.middlewareStack.add(
    (next, context) => async (args) => {
      if (WRITE_COMMANDS.has(String(context.commandName))) writes += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return {
    ddb: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }),
    writes: () => writes,
    destroy: () => base.destroy(),
  };
}
