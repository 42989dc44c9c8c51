/**
 * Counts the DynamoDB write calls one function sends while the local stack
 * runs it in this process, without a hook in the function: the stack's
 * `wrapHandler` runs the handler inside an AsyncLocalStorage scope, and every
 * DynamoDB client `send` made inside that scope — whichever client the
 * function built, retries and conflict re-puts included — is counted when its
 * command writes. Other functions and the AppSync runtime run outside the
 * scope (a request the function makes over HTTP is served in the server's own
 * context), so they are not counted.
 *
 * One count per call: the SDK's own retries of a throttled call (which
 * DynamoDB Local never asks for) would not be counted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LambdaHandler } from '../local/esm/eventSourceMapping.js';
import { WRITE_COMMANDS } from './countingClient.js';
import { writeKindOf, type WriteKind } from './writeKind.js';

/** The same writes as sent through the document client (lib-dynamodb names its commands without "Item"). */
const DOCUMENT_WRITE_COMMANDS: ReadonlyMap<string, string> = new Map([
  ['PutCommand', 'PutItemCommand'],
  ['UpdateCommand', 'UpdateItemCommand'],
  ['BatchWriteCommand', 'BatchWriteItemCommand'],
  ['DeleteCommand', 'DeleteItemCommand'],
  ['TransactWriteCommand', 'TransactWriteItemsCommand'],
]);

/** Write calls by kind (bench/writeKind.ts). */
export type CallsByKind = Partial<Record<WriteKind, number>>;

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => unknown;
interface Sender {
  send: Send;
}

/** The client command name of a write (`PutItemCommand` for the document client's `PutCommand`), or undefined. */
function writeName(command: unknown): string | undefined {
  if (typeof command !== 'object' || command === null) return undefined;
  const name = command.constructor.name;
  return WRITE_COMMANDS.has(name) ? name : DOCUMENT_WRITE_COMMANDS.get(name);
}

export interface LiveWriteCounter {
  /** Wraps `handler` so that the write calls it sends are counted. */
  wrap(handler: LambdaHandler): LambdaHandler;
  /** Write calls counted so far. */
  readonly calls: number;
  /** Write calls counted so far, by what they write (a copy). */
  byKind(): CallsByKind;
  /** Restores the clients' `send`. */
  dispose(): void;
}

/**
 * Starts counting: replaces `send` on the DynamoDB client and document client
 * prototypes (a document client sends through its own `send`, not its base
 * client's, so each call is counted once). One counter at a time.
 */
export function countLiveWrites(): LiveWriteCounter {
  const scope = new AsyncLocalStorage<true>();
  let calls = 0;
  const kinds: CallsByKind = {};
  // The SDK types `send` with overloads; only the call shape matters here.
  const prototypes = [DynamoDBClient.prototype, DynamoDBDocumentClient.prototype] as unknown as Sender[];
  const restores = prototypes.map((proto) => {
    const own = Object.prototype.hasOwnProperty.call(proto, 'send');
    const original = proto.send;
    proto.send = function send(this: unknown, command: unknown, ...rest: unknown[]): unknown {
      const name = scope.getStore() === true ? writeName(command) : undefined;
      if (name !== undefined) {
        calls += 1;
        const kind = writeKindOf(name, (command as { input?: unknown }).input);
        kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
      return original.call(this, command, ...rest);
    };
    return () => {
      if (own) proto.send = original;
      else delete (proto as Partial<Sender>).send;
    };
  });
  return {
    wrap: (handler) => ((event: never, context) => scope.run(true, () => handler(event, context))) as LambdaHandler,
    get calls() {
      return calls;
    },
    byKind: () => ({ ...kinds }),
    dispose: () => {
      for (const restore of restores) restore();
    },
  };
}

/** Calls by kind, most first: `part 1,464, boardItems 366, windowClaim 120`. */
export function describeCalls(kinds: CallsByKind): string {
  return (Object.entries(kinds) as Array<[WriteKind, number]>)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n.toLocaleString('en-US')}`)
    .join(', ');
}
