/**
 * A DynamoDB document client whose write calls are counted: an SDK middleware
 * sees every command the client sends. The per-record designs of the live
 * benchmarks (bench/liveWrites.ts, bench/perRecordConsumer.ts) write through it.
 *
 * Each call is also counted by what it writes (bench/writeKind.ts), with the
 * write units DynamoDB reports for it (every write asks for
 * ReturnConsumedCapacity TOTAL), and calls refused by their condition
 * separately: a refused write is still a call, and DynamoDB bills it, but
 * reports no units for it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from '../local/credentials.js';
import { isConditionFailure } from '../functions/runtime/conditionalWrite.js';
import type { WriteKind } from './writeKind.js';
import { writeKindOf } from './writeKind.js';

/** The DynamoDB commands that write, by the name the SDK gives them (`context.commandName`). */
export const WRITE_COMMANDS: ReadonlySet<string> = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'BatchWriteItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
]);

/** Write calls of one kind: how many were sent, how many their condition refused, the write units reported. */
export interface KindCount {
  calls: number;
  refused: number;
  units: number;
}

export interface CountingClient {
  ddb: DynamoDBDocumentClient;
  /** Write calls sent so far. */
  writes: () => number;
  /** Write calls sent so far, by what they write. */
  byKind: () => Partial<Record<WriteKind, KindCount>>;
  destroy: () => void;
}

/** Write units of a response's ConsumedCapacity (one object, or one per table for batches and transactions). */
function unitsOf(consumed: unknown): number {
  const list = Array.isArray(consumed) ? (consumed as unknown[]) : [consumed];
  let units = 0;
  for (const c of list) {
    if (c === null || typeof c !== 'object') continue;
    const { CapacityUnits, WriteCapacityUnits } = c as { CapacityUnits?: unknown; WriteCapacityUnits?: unknown };
    if (typeof WriteCapacityUnits === 'number') units += WriteCapacityUnits;
    else if (typeof CapacityUnits === 'number') units += CapacityUnits;
  }
  return units;
}

/** A document client on DynamoDB Local at `endpoint` that counts its write calls. */
export function countingClient(endpoint: string): CountingClient {
  let writes = 0;
  const kinds: Partial<Record<WriteKind, KindCount>> = {};
  const base = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS });
  base.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      if (!WRITE_COMMANDS.has(name)) return next(args);
      writes += 1;
      const count = (kinds[writeKindOf(name, args.input)] ??= { calls: 0, refused: 0, units: 0 });
      count.calls += 1;
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      try {
        const result = await next(args);
        count.units += unitsOf((result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
        return result;
      } catch (error) {
        if (isConditionFailure(error)) count.refused += 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return {
    ddb: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }),
    writes: () => writes,
    byKind: () => structuredClone(kinds),
    destroy: () => base.destroy(),
  };
}
